/**
 * Who is asking, by network address, for the view rate limit and the per-address view cap.
 *
 * Forwarded headers are trusted only when the deployer says how many proxies stand in front of the
 * app (`TRUST_PROXY=<hops>`): each proxy appends the address it saw, so the client is the entry that
 * many hops from the right of `X-Forwarded-For`; everything left of it is whatever the client wrote.
 * Without TRUST_PROXY the address is the TCP peer's, which instrumentation.ts copies into
 * SOCKET_ADDRESS_HEADER for every request (Next.js does not hand route handlers the socket).
 * When neither is available the address is unknown (null): callers never lump everybody together.
 * The answer is a key, not the raw address: an IPv6 client gets a whole /64 (one subscriber's usual
 * allocation, so rotating addresses inside it buys nothing) and an IPv4-mapped one its IPv4 address.
 * The view budgets also count an IPv6 client's /56 (a home line) and /48 (a site): nestedAddressKeys.
 */
import "server-only";
import { createHmac } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { getConfig } from "../config";
import { SOCKET_ADDRESS_HEADER, socketAddressHeaderIsSet } from "./socket-address";

/** How many proxies to trust (TRUST_PROXY, 0 when unset). */
export function trustedProxyHops(): number {
  return getConfig().trustProxyHops;
}

/** The 8 groups of an IPv6 address, or null (the last 32 bits may be written as a.b.c.d). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted[2].split(".").map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.length === 8 ? groups.map((group) => parseInt(group, 16)) : null;
}

/**
 * The key an address is counted under: an IPv4 address as it is, an IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`) as its IPv4 address, any other IPv6 address as its /64 (`2001:db8:1:2::/64`).
 * Brackets, a zone (`%eth0`) and a port some proxies append are dropped; anything else is kept as is.
 */
export function addressKey(raw: string): string {
  const address = raw
    .trim()
    .replace(/^\[([^\]]+)\](:\d+)?$/, "$1")
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, "$1")
    .replace(/%.*$/, "");
  if (isIPv4(address) || !isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff)
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  return ipv6Prefix(groups, 64);
}

/** The first `bits` (a multiple of 8, at most 64) of an IPv6 address as a prefix, e.g. `2001:db8:100::/56`. */
function ipv6Prefix(groups: number[], bits: number): string {
  const kept = groups.slice(0, Math.ceil(bits / 16)).map((group, i) => (i * 16 + 16 > bits ? group & 0xff00 : group));
  return `${kept.map((group) => group.toString(16)).join(":")}${kept.length < 8 ? "::" : ""}/${bits}`;
}

/**
 * The keys an address key is counted under, most specific first: an IPv6 /64 also as its /56 and /48
 * (so a home line or a site rotating through its /64s has one budget at each level); anything else
 * alone.
 */
export function nestedAddressKeys(key: string): string[] {
  const prefix = key.match(/^(.*)::\/64$/);
  const groups = prefix && ipv6Groups(`${prefix[1]}::`);
  return groups ? [key, ipv6Prefix(groups, 56), ipv6Prefix(groups, 48)] : [key];
}

let warnedAboutForwardedFor = false;

/**
 * Once per process: a request arrived with an X-Forwarded-For that this server did not write itself
 * (Next.js fills in the socket's address when there is none), yet TRUST_PROXY is unset. Behind a
 * proxy that means every client looks like the proxy and shares its view limits.
 */
function warnAboutUntrustedForwardedFor(request: Request, socketAddress: string | null): void {
  if (warnedAboutForwardedFor) return;
  const forwardedFor = request.headers.get("x-forwarded-for")?.trim();
  if (!forwardedFor || forwardedFor === socketAddress) return;
  warnedAboutForwardedFor = true;
  console.warn(
    "Requests carry X-Forwarded-For but TRUST_PROXY is unset, so client addresses are the socket's: " +
      "behind a proxy every client looks like the proxy and shares one view limit. " +
      'Set TRUST_PROXY to the number of proxies in front of the app (README, "Deploying to a Supabase project").',
  );
}

export function clientAddress(request: Request, hops = trustedProxyHops()): string | null {
  if (hops > 0) {
    const entries = (request.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request did not come through them, so nothing in it is trusted.
    return entries.length >= hops ? addressKey(entries[entries.length - hops]) : null;
  }
  const socketAddress = (socketAddressHeaderIsSet() && request.headers.get(SOCKET_ADDRESS_HEADER)) || null;
  warnAboutUntrustedForwardedFor(request, socketAddress);
  return socketAddress && addressKey(socketAddress);
}

/**
 * A keyed hash of the address (the view rows store this, never the address). The key is a server
 * secret, so nobody can tell from the database which address viewed what.
 */
export function clientKey(address: string): string {
  return createHmac("sha256", getConfig().viewKeySecret).update(address).digest("base64url").slice(0, 32);
}
