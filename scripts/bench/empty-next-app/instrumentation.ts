// Deliberately empty. Without it, Turbopack (whose root is the repository, for node_modules) picks up the
// repository's own instrumentation.ts, which would migrate a database in this "empty" app.
export function register(): void {}
