// Runs once when the Next.js server starts, before it answers requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareServer } = await import("./lib/prepare-server");
  await prepareServer();
}
