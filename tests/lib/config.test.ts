import { describe, expect, it } from "vitest";
import { ConfigError, DEMO_TOKEN_ISSUER, LOCAL_DEV_JWT_SECRET, readConfig } from "../../lib/config";

describe("which parts run where (DESIGN.md)", () => {
  it("embedded: postgres transport, demo sign-in, the CLI's local development secret", () => {
    expect(readConfig({ APP_MODE: "embedded", DATABASE_URL: "postgres://x/db" })).toEqual({
      mode: "embedded",
      transport: "postgres",
      databaseUrl: "postgres://x/db",
      jwt: { secret: LOCAL_DEV_JWT_SECRET, issuer: DEMO_TOKEN_ISSUER },
      demoSignIn: true,
    });
  });

  it("DATABASE_URL alone refuses to start without a way to verify tokens, naming the variables", () => {
    expect(() => readConfig({ DATABASE_URL: "postgres://x/db" })).toThrow(ConfigError);
    expect(() => readConfig({ DATABASE_URL: "postgres://x/db" })).toThrow(/SUPABASE_JWT_SECRET.*SUPABASE_JWKS_URL/);
    const config = readConfig({ DATABASE_URL: "postgres://x/db", SUPABASE_JWT_SECRET: "s".repeat(40) });
    expect(config).toMatchObject({ mode: "database", transport: "postgres", demoSignIn: false });
    expect(readConfig({ DATABASE_URL: "postgres://x/db", SUPABASE_JWKS_URL: "https://p.example/jwks" }).jwt).toEqual({
      jwksUrl: "https://p.example/jwks",
    });
  });

  it("a user-set DATABASE_URL never enables demo sign-in", () => {
    expect(readConfig({ DATABASE_URL: "postgres://x/db", SUPABASE_JWT_SECRET: "s".repeat(40) }).demoSignIn).toBe(false);
  });

  it("Supabase: supabase-js transport unless DATABASE_URL is also set; keys required, named", () => {
    const base = { NEXT_PUBLIC_SUPABASE_URL: "https://abc.supabase.co/", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon" };
    expect(() => readConfig({ NEXT_PUBLIC_SUPABASE_URL: "https://abc.supabase.co" })).toThrow(
      /NEXT_PUBLIC_SUPABASE_ANON_KEY/,
    );
    expect(() => readConfig(base)).toThrow(/SUPABASE_SERVICE_ROLE_KEY/);
    const viaSupabase = readConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: "service" });
    expect(viaSupabase).toMatchObject({ mode: "supabase", transport: "supabase", demoSignIn: false });
    expect(viaSupabase.jwt.jwksUrl).toBe("https://abc.supabase.co/auth/v1/.well-known/jwks.json");
    expect(readConfig({ ...base, DATABASE_URL: "postgres://x/db" }).transport).toBe("postgres");
  });

  it("nothing configured: a message saying how to start", () => {
    expect(() => readConfig({})).toThrow(/npm run dev/);
  });
});
