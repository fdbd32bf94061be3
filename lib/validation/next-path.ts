/**
 * Where to go after sign-in (`/sign-in?next=...`): only a path on this site, so a link cannot send a
 * freshly signed-in user to another origin (an open redirect). Anything else falls back. Shared by
 * the sign-in page (server) and the sign-in forms (browser), like every module of lib/validation.
 */
export const DEFAULT_AFTER_SIGN_IN = "/my-products";

export function safeNextPath(value: unknown, fallback = DEFAULT_AFTER_SIGN_IN): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (typeof path !== "string" || path.length > 2048) return fallback;
  // One leading slash, then not a second slash or backslash ("//evil.test", "/\evil.test" leave the site);
  // no control characters or whitespace browsers would strip before resolving.
  if (!/^\/(?![/\\])/.test(path) || /[\u0000-\u0020\u007f\\]/.test(path)) return fallback;
  try {
    const resolved = new URL(path, "http://same.site");
    if (resolved.origin !== "http://same.site") return fallback;
    const result = `${resolved.pathname}${resolved.search}${resolved.hash}`;
    // Resolving dot segments can leave "//host" ("/.//evil.test", "/..//x", "/%2e//x"): a browser reads
    // that as another site, so it is never returned.
    return /^\/[/\\]/.test(result) ? fallback : result;
  } catch {
    return fallback;
  }
}
