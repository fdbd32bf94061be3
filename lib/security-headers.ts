/**
 * The Content-Security-Policy of every page. Scripts run only with this request's nonce: Next.js
 * reads the policy from the request header the proxy sets and puts the nonce on its own scripts
 * (the App Router inlines some). 'strict-dynamic' lets those scripts load the app's chunks.
 * `next dev` additionally needs 'unsafe-eval' (React's development tooling rebuilds stacks with eval);
 * production never gets it. Styles allow 'unsafe-inline' (React style attributes); nothing else inline.
 */
import "server-only";
export function contentSecurityPolicy(
  nonce: string,
  options: { dev: boolean; connectTo?: string; imagesFrom?: string },
): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // Images: our own, and avatars from the Supabase project's storage only (lib/avatars.ts).
    `img-src 'self' data: blob:${options.imagesFrom ? ` ${new URL(options.imagesFrom).origin}` : ""}`,
    "font-src 'self' data:",
    `connect-src 'self'${options.connectTo ? ` ${options.connectTo}` : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function newNonce(): string {
  return Buffer.from(crypto.randomUUID()).toString("base64");
}
