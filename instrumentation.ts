/** Runs once when a Next.js server process starts (before it serves requests). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // A setting with a value it does not accept (e.g. TRUST_PROXY=true) stops the server, named.
    const { checkSettings } = await import("./lib/config");
    checkSettings();
    // Route handlers need the TCP peer's address for the view limits (lib/api/client-address.ts).
    const { installSocketAddressHeader } = await import("./lib/api/socket-address");
    await installSocketAddressHeader();
    // Keeps the rank counts close behind the counters, so rank reads stay cheap (lib/leaderboard/rank-folder.ts).
    const { startRankFolder } = await import("./lib/leaderboard/rank-folder");
    startRankFolder();
  }
}
