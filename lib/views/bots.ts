/**
 * Obvious bots never count as viewers: no User-Agent at all, or one that says it is a
 * crawler, a link previewer or a scripting tool. Headless browsers are not listed: they are how real
 * people's tools (and our own end-to-end test) browse, and the per-address cap bounds them anyway.
 */
import "server-only";
const BOT_AGENT =
  /bot\b|bot\/|crawl|spider|slurp|mediapartners|facebookexternalhit|embedly|preview|curl\/|wget\/|python-requests|python-urllib|aiohttp|httpx|go-http-client|java\/|okhttp|libwww|scrapy|axios\/|node-fetch|undici|postmanruntime|insomnia|httpie/i;

export function isObviousBot(userAgent: string | null | undefined): boolean {
  const agent = userAgent?.trim() ?? "";
  // "node" is Node.js's own fetch.
  return agent === "" || agent === "node" || BOT_AGENT.test(agent);
}
