import { describe, expect, it } from "vitest";
import { ConfigError, DEMO_TOKEN_ISSUER, LOCAL_DEV_JWT_SECRET, readConfig } from "../../lib/config";

const DEFAULTS = {
  trustProxyHops: 0,
  leaderboardWatchMs: 300,
  limits: {
    VIEW_REQUESTS_PER_MINUTE: 60,
    VIEW_BUDGET_PER_SELLER: 20,
    VIEW_BUDGET_PER_SELLER_IPV6_56: 40,
    VIEW_BUDGET_PER_SELLER_IPV6_48: 100,
    STREAMS_PER_ADDRESS: 4,
    STREAMS_PER_PROCESS: 500,
    STREAM_MAX_LIFETIME_SECONDS: 900,
  },
};

describe("which parts run where", () => {
  it("embedded: postgres transport, demo sign-in, the CLI's local development secret", () => {
    expect(readConfig({ APP_MODE: "embedded", DATABASE_URL: "postgres://x/db" })).toEqual({
      mode: "embedded",
      transport: { kind: "postgres", databaseUrl: "postgres://x/db", poolSize: 10 },
      jwt: { secret: LOCAL_DEV_JWT_SECRET, issuer: DEMO_TOKEN_ISSUER },
      embeddedInstanceToken: undefined,
      // Never the public development secret: a random key of this installation (.data/view-key).
      viewKeySecret: expect.not.stringMatching(LOCAL_DEV_JWT_SECRET),
      ...DEFAULTS,
    });
  });

  it("DATABASE_URL alone refuses to start without a way to verify tokens, naming the variables", () => {
    expect(() => readConfig({ DATABASE_URL: "postgres://x/db" })).toThrow(ConfigError);
    expect(() => readConfig({ DATABASE_URL: "postgres://x/db" })).toThrow(/SUPABASE_JWT_SECRET.*SUPABASE_JWKS_URL/);
    const config = readConfig({ DATABASE_URL: "postgres://x/db", SUPABASE_JWT_SECRET: "s".repeat(40) });
    expect(config).toMatchObject({ mode: "database", transport: { kind: "postgres" } });
    expect(readConfig({ DATABASE_URL: "postgres://x/db", SUPABASE_JWKS_URL: "https://p.example/jwks" }).jwt).toEqual({
      jwksUrl: "https://p.example/jwks",
    });
  });

  it("a user-set DATABASE_URL never enables demo sign-in", () => {
    expect(readConfig({ DATABASE_URL: "postgres://x/db", SUPABASE_JWT_SECRET: "s".repeat(40) }).mode).toBe("database");
  });

  it("Supabase: supabase-js transport unless DATABASE_URL is also set; keys required, named", () => {
    const base = { NEXT_PUBLIC_SUPABASE_URL: "https://abc.supabase.co/", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon" };
    expect(() => readConfig({ NEXT_PUBLIC_SUPABASE_URL: "https://abc.supabase.co" })).toThrow(
      /NEXT_PUBLIC_SUPABASE_ANON_KEY/,
    );
    expect(() => readConfig(base)).toThrow(/SUPABASE_SERVICE_ROLE_KEY/);
    const viaSupabase = readConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: "service" });
    expect(viaSupabase).toMatchObject({
      mode: "supabase",
      transport: { kind: "supabase", url: "https://abc.supabase.co", anonKey: "anon", serviceRoleKey: "service" },
      viewKeySecret: "service",
    });
    expect(viaSupabase.mode === "supabase" && viaSupabase.jwt.jwksUrl).toBe(
      "https://abc.supabase.co/auth/v1/.well-known/jwks.json",
    );
    expect(readConfig({ ...base, DATABASE_URL: "postgres://x/db" }).transport).toEqual({
      kind: "postgres",
      databaseUrl: "postgres://x/db",
      poolSize: 10,
    });
  });

  it("nothing configured: a message saying how to start", () => {
    expect(() => readConfig({})).toThrow(/npm run dev/);
  });
});

describe("settings every mode shares", () => {
  const embedded = { APP_MODE: "embedded", DATABASE_URL: "postgres://x/db" };

  it("reads the optional settings, blank meaning unset", () => {
    expect(
      readConfig({
        ...embedded,
        TRUST_PROXY: "2",
        LEADERBOARD_WATCH_MS: "450",
        DATABASE_POOL_SIZE: "3",
        VIEW_KEY_SECRET: "  key  ",
        SUPABASE_JWT_ISSUER: " ",
      }),
    ).toMatchObject({
      trustProxyHops: 2,
      leaderboardWatchMs: 450,
      transport: { poolSize: 3 },
      viewKeySecret: "key",
    });
  });

  it("refuses a malformed value at start, naming the variable, instead of guessing", () => {
    expect(() => readConfig({ ...embedded, TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
    expect(() => readConfig({ ...embedded, LEADERBOARD_WATCH_MS: "50" })).toThrow(/LEADERBOARD_WATCH_MS/);
    expect(() => readConfig({ ...embedded, DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => readConfig({ ...embedded, APP_MODE: "production" })).toThrow(/APP_MODE/);
    expect(() => readConfig({ ...embedded, TRUST_PROXY: "yes" })).toThrow(ConfigError);
  });
});
