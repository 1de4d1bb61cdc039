// How long the overview waits after a keystroke before it searches. It only needs to fold a burst (fast typing, key
// repeat, a paste or an input method's composition) into one request: a search over 10,000 services costs the server
// a few milliseconds, and the page keeps showing the previous answer until the next arrives. Anything longer is
// waiting the user sees. Shared with the dashboard benchmark, which reports it.
export const SEARCH_DEBOUNCE_MS = 80;
