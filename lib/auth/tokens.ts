/**
 * Access tokens are Supabase Auth JWTs. We verify them ourselves (jose) and never trust a user id that
 * arrives any other way. HS256 tokens are checked with the project's JWT secret; asymmetric ones
 * (RS256/ES256, Supabase's newer signing keys) with the project's JWKS.
 */
import "server-only";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { DEMO_TOKEN_ISSUER } from "../config";
import { AppError } from "../errors";
import { uuidSchema } from "../validation/products";

export interface JwtSettings {
  secret?: string;
  jwksUrl?: string;
  /** When set, a token's `iss` must equal it. */
  issuer?: string;
}

export { DEMO_TOKEN_ISSUER } from "../config";

export interface VerifiedUser {
  userId: string;
  claims: JWTPayload & Record<string, unknown>;
}

const jwksByUrl = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export async function verifyAccessToken(token: string, settings: JwtSettings): Promise<VerifiedUser> {
  let payload: JWTPayload;
  // A token without `exp` would be valid forever: refuse it.
  const claimChecks = {
    audience: "authenticated",
    requiredClaims: ["exp"],
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
  };
  try {
    const { alg } = decodeProtectedHeader(token);
    if (alg === "HS256") {
      if (!settings.secret) throw new Error("no JWT secret configured for HS256 tokens");
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(settings.secret), {
        algorithms: ["HS256"],
        ...claimChecks,
      }));
    } else {
      if (!settings.jwksUrl) throw new Error("no JWKS configured for asymmetric tokens");
      let jwks = jwksByUrl.get(settings.jwksUrl);
      if (!jwks) jwksByUrl.set(settings.jwksUrl, (jwks = createRemoteJWKSet(new URL(settings.jwksUrl))));
      ({ payload } = await jwtVerify(token, jwks, { algorithms: ["RS256", "ES256", "EdDSA"], ...claimChecks }));
    }
  } catch {
    throw new AppError("unauthorized", "Your sign-in is invalid or has expired. Please sign in again.");
  }
  // A token that lives longer than a week is refused too (Supabase Auth allows at most a week).
  const now = Math.floor(Date.now() / 1000);
  const lifetime = Math.max((payload.exp ?? now) - now, (payload.exp ?? now) - (payload.iat ?? now));
  if (
    lifetime > MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS ||
    typeof payload.sub !== "string" ||
    !uuidSchema.safeParse(payload.sub).success ||
    payload.role !== "authenticated"
  ) {
    throw new AppError("unauthorized", "Your sign-in is invalid or has expired. Please sign in again.");
  }
  return { userId: payload.sub, claims: payload as VerifiedUser["claims"] };
}

/** The longest lifetime of a token we accept (from its `iat`, and from now), and the clock skew allowed. */
export const MAX_TOKEN_LIFETIME_SECONDS = 7 * 24 * 60 * 60;
const CLOCK_SKEW_SECONDS = 60;

export const DEMO_TOKEN_LIFETIME_SECONDS = MAX_TOKEN_LIFETIME_SECONDS;

/** Demo sign-in (embedded mode only): a token shaped like Supabase Auth's, signed with the local secret. */
export async function signDemoToken(userId: string, secret: string): Promise<string> {
  return new SignJWT({
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "demo", timestamp: Math.floor(Date.now() / 1000) }],
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setAudience("authenticated")
    .setIssuer(DEMO_TOKEN_ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${DEMO_TOKEN_LIFETIME_SECONDS}s`)
    .sign(new TextEncoder().encode(secret));
}
