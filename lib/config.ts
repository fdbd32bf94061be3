/**
 * Reads the environment once into one of three modes (DESIGN.md, "Which parts run where"):
 *   embedded - the launcher started the embedded PostgreSQL (APP_MODE=embedded): demo sign-in, and
 *              tokens signed with the Supabase CLI's local development secret.
 *   database - DATABASE_URL points at any PostgreSQL 15+; tokens come from Supabase Auth and are
 *              verified with SUPABASE_JWT_SECRET or a JWKS URL (required). No demo sign-in.
 *   supabase - NEXT_PUBLIC_SUPABASE_URL + anon key: data through supabase-js (unless DATABASE_URL is
 *              also set), sign-in with Supabase Auth.
 * A missing secret stops the app at start with a message naming the variable.
 */
import "server-only";
export type AppMode = "embedded" | "database" | "supabase";

export interface AppConfig {
  mode: AppMode;
  transport: "postgres" | "supabase";
  databaseUrl?: string;
  supabase?: { url: string; anonKey: string; serviceRoleKey?: string };
  jwt: { secret?: string; jwksUrl?: string; issuer?: string };
  /**
   * Demo sign-in is wanted (embedded mode). It is only *allowed* once the database proves it is the
   * embedded one the app's launcher started (lib/auth/demo.ts).
   */
  demoSignIn: boolean;
  /** The per-start token the launcher wrote into the embedded database (embedded mode only). */
  embeddedInstanceToken?: string;
}

/** The issuer of demo sign-in tokens (embedded mode). */
export const DEMO_TOKEN_ISSUER = "marketplace-demo-sign-in";

/** The Supabase CLI's well-known local development JWT secret (never valid on a hosted project). */
export const LOCAL_DEV_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): AppConfig {
  const value = (name: string) => env[name]?.trim() || undefined;
  const databaseUrl = value("DATABASE_URL");
  const supabaseUrl = value("NEXT_PUBLIC_SUPABASE_URL");
  const jwtSecret = value("SUPABASE_JWT_SECRET");
  const jwksUrl = value("SUPABASE_JWKS_URL");
  const issuer = value("SUPABASE_JWT_ISSUER");

  if (value("APP_MODE") === "embedded") {
    if (!databaseUrl)
      throw new ConfigError("APP_MODE=embedded needs DATABASE_URL (the launcher sets it: start with `npm run dev`).");
    return {
      mode: "embedded",
      transport: "postgres",
      databaseUrl,
      jwt: { secret: jwtSecret ?? LOCAL_DEV_JWT_SECRET, issuer: DEMO_TOKEN_ISSUER },
      demoSignIn: true,
      embeddedInstanceToken: value("EMBEDDED_INSTANCE_TOKEN"),
    };
  }

  if (supabaseUrl) {
    const anonKey = value("NEXT_PUBLIC_SUPABASE_ANON_KEY");
    if (!anonKey)
      throw new ConfigError("NEXT_PUBLIC_SUPABASE_URL is set but NEXT_PUBLIC_SUPABASE_ANON_KEY is missing.");
    const serviceRoleKey = value("SUPABASE_SERVICE_ROLE_KEY");
    if (!databaseUrl && !serviceRoleKey) {
      throw new ConfigError(
        "SUPABASE_SERVICE_ROLE_KEY is missing: the server needs it to record anonymous shoppers' views (or set DATABASE_URL).",
      );
    }
    return {
      mode: "supabase",
      transport: databaseUrl ? "postgres" : "supabase",
      databaseUrl,
      supabase: { url: supabaseUrl.replace(/\/+$/, ""), anonKey, serviceRoleKey },
      // Supabase signs with its JWT secret (HS256) or with asymmetric keys published as JWKS.
      jwt: {
        secret: jwtSecret,
        jwksUrl: jwksUrl ?? `${supabaseUrl.replace(/\/+$/, "")}/auth/v1/.well-known/jwks.json`,
        issuer,
      },
      demoSignIn: false,
    };
  }

  if (databaseUrl) {
    if (!jwtSecret && !jwksUrl) {
      throw new ConfigError(
        "DATABASE_URL is set but neither SUPABASE_JWT_SECRET nor SUPABASE_JWKS_URL is: set one so sign-in tokens can be verified.",
      );
    }
    return {
      mode: "database",
      transport: "postgres",
      databaseUrl,
      jwt: { secret: jwtSecret, jwksUrl, issuer },
      demoSignIn: false,
    };
  }

  throw new ConfigError(
    "No database configured. Start with `npm run dev` (embedded PostgreSQL with demo data), or set DATABASE_URL or NEXT_PUBLIC_SUPABASE_URL.",
  );
}

let cached: AppConfig | undefined;

/** The process's configuration, read once. */
export function getConfig(): AppConfig {
  cached ??= readConfig();
  return cached;
}

/**
 * The server's key for what it signs or hashes about anonymous shoppers (viewer_session cookies,
 * client address hashes): VIEW_KEY_SECRET, else the mode's JWT secret, service key or database URL.
 */
export function viewKeySecret(config: AppConfig = getConfig(), env: Env = process.env): string {
  return (
    env.VIEW_KEY_SECRET?.trim() || config.jwt.secret || config.supabase?.serviceRoleKey || config.databaseUrl || ""
  );
}

/** For tests that switch configuration inside one process. */
export function resetConfigForTests(): void {
  cached = undefined;
}
