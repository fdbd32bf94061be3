/**
 * Who is asking, by network address, for the view rate limit and the per-address view cap.
 *
 * Forwarded headers are trusted only when the deployer says how many proxies stand in front of the
 * app (`TRUST_PROXY=<hops>`): each proxy appends the address it saw, so the client is the entry that
 * many hops from the right of `X-Forwarded-For`; everything left of it is whatever the client wrote.
 * Without TRUST_PROXY the address is the TCP peer's, which instrumentation.ts copies into
 * SOCKET_ADDRESS_HEADER for every request (Next.js does not hand route handlers the socket).
 * When neither is available the address is unknown (null): callers never lump everybody together.
 */
import "server-only";
import { createHmac } from "node:crypto";
import { viewKeySecret } from "../config";
import { SOCKET_ADDRESS_HEADER, socketAddressHeaderIsSet } from "./socket-address";

export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return 0;
  const hops = Number(raw);
  return Number.isInteger(hops) && hops >= 1 && hops <= 10 ? hops : 0;
}

export function clientAddress(request: Request, env: Record<string, string | undefined> = process.env): string | null {
  const hops = trustedProxyHops(env);
  if (hops > 0) {
    const entries = (request.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request did not come through them, so nothing in it is trusted.
    return entries.length >= hops ? entries[entries.length - hops] : null;
  }
  if (socketAddressHeaderIsSet()) return request.headers.get(SOCKET_ADDRESS_HEADER) || null;
  return null;
}

/**
 * A keyed hash of the address (the view rows store this, never the address). The key is a server
 * secret, so nobody can tell from the database which address viewed what.
 */
export function clientKey(address: string): string {
  return createHmac("sha256", viewKeySecret()).update(address).digest("base64url").slice(0, 32);
}
