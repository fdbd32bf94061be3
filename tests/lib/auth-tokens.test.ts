import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { LOCAL_DEV_JWT_SECRET } from "../../lib/config";
import { DEMO_TOKEN_ISSUER, signDemoToken, verifyAccessToken } from "../../lib/auth/tokens";

const secret = LOCAL_DEV_JWT_SECRET;

describe("access token verification", () => {
  it("accepts a token signed with the secret and returns its subject", async () => {
    const userId = randomUUID();
    const verified = await verifyAccessToken(await signDemoToken(userId, secret), { secret });
    expect(verified.userId).toBe(userId);
  });

  it("rejects a wrong signature, an expired token, a wrong role and a non-uuid subject with 401", async () => {
    const key = new TextEncoder().encode(secret);
    const sign = (claims: Record<string, unknown>, sub: string, exp: string | number = "1h") =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(sub)
        .setAudience("authenticated")
        .setExpirationTime(exp)
        .sign(key);
    const cases = [
      await signDemoToken(randomUUID(), "x".repeat(40)),
      await sign({ role: "authenticated" }, randomUUID(), Math.floor(Date.now() / 1000) - 60),
      await sign({ role: "service_role" }, randomUUID()),
      await sign({ role: "authenticated" }, "not-a-uuid"),
      "not.a.token",
    ];
    for (const token of cases) {
      await expect(verifyAccessToken(token, { secret })).rejects.toMatchObject({ code: "unauthorized", status: 401 });
    }
  });

  it("rejects a token without exp, and one from another issuer where an issuer is configured", async () => {
    const key = new TextEncoder().encode(secret);
    const forever = await new SignJWT({ role: "authenticated" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(randomUUID())
      .setAudience("authenticated")
      .sign(key);
    await expect(verifyAccessToken(forever, { secret })).rejects.toMatchObject({ status: 401 });
    const token = await signDemoToken(randomUUID(), secret);
    await expect(
      verifyAccessToken(token, { secret, issuer: "https://project.supabase.co/auth/v1" }),
    ).rejects.toMatchObject({ status: 401 });
    expect((await verifyAccessToken(token, { secret, issuer: DEMO_TOKEN_ISSUER })).claims.iss).toBe(DEMO_TOKEN_ISSUER);
  });

  it("rejects a token that lives longer than 7 days (exp in the year 3000, or iat long before exp)", async () => {
    const key = new TextEncoder().encode(secret);
    const now = Math.floor(Date.now() / 1000);
    const sign = (iat: number, exp: number) =>
      new SignJWT({ role: "authenticated" })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(randomUUID())
        .setAudience("authenticated")
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
    const year3000 = Math.floor(Date.UTC(3000, 0, 1) / 1000);
    for (const token of [await sign(now, year3000), await sign(now - 30 * 86400, now + 3600)])
      await expect(verifyAccessToken(token, { secret })).rejects.toMatchObject({ code: "unauthorized" });
    // A week exactly (the demo sign-in's lifetime, Supabase Auth's longest) is fine.
    await expect(verifyAccessToken(await sign(now, now + 7 * 86400), { secret })).resolves.toBeTruthy();
  });

  it("verifies asymmetric tokens against a JWKS", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/v1/.well-known/jwks.json`;
      const userId = randomUUID();
      const token = await new SignJWT({ role: "authenticated" })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setSubject(userId)
        .setAudience("authenticated")
        .setExpirationTime("1h")
        .sign(privateKey);
      expect((await verifyAccessToken(token, { jwksUrl })).userId).toBe(userId);
    } finally {
      server.close();
    }
  });
});
