/**
 * The anonymous viewer_session cookie: `<uuid>.<HMAC-SHA256 of it, base64url>`, keyed with the
 * server's secret (viewKeySecret), so a client cannot invent a new viewer per request. Only a cookie
 * this server signed is believed; the database sees the UUID alone.
 */
import "server-only";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { getConfig } from "../config";
import { uuidSchema } from "../validation/products";

// A context label keeps these signatures apart from the address hashes made with the same key.
const signature = (uuid: string) =>
  createHmac("sha256", getConfig().viewKeySecret).update(`viewer_session:${uuid}`).digest("base64url");

/** A fresh, signed viewer_session cookie value. */
export function newViewerSessionCookie(): string {
  const uuid = randomUUID();
  return `${uuid}.${signature(uuid)}`;
}

/** The viewer's session UUID when the cookie is one this server signed, else null. */
export function verifiedViewerSession(cookie: string | undefined): string | null {
  const [uuid, signed, ...rest] = (cookie ?? "").split(".");
  if (rest.length > 0 || !signed || !uuidSchema.safeParse(uuid).success) return null;
  const expected = Buffer.from(signature(uuid));
  const given = Buffer.from(signed);
  return given.length === expected.length && timingSafeEqual(given, expected) ? uuid : null;
}
