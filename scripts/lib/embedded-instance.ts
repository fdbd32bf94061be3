/**
 * Dev tooling: the proof that the app talks to the embedded database it started (demo sign-in and the public
 * development secret are allowed only then). Whoever starts the embedded database (the launcher, the
 * test setup) writes a random token into it with markEmbeddedInstance() and hands the same token to
 * the app as EMBEDDED_INSTANCE_TOKEN; the app compares it with what the database answers
 * (lib/auth/demo.ts).
 */
import { randomBytes } from "node:crypto";
import { withClient } from "./pg-client";

export const EMBEDDED_INSTANCE_TOKEN_ENV = "EMBEDDED_INSTANCE_TOKEN";

export function newEmbeddedInstanceToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Writes the token (as the database owner); databases cloned from this one afterwards carry it too. */
export async function markEmbeddedInstance(databaseUrl: string, token: string): Promise<void> {
  await withClient(databaseUrl, (client) =>
    client.query(
      "insert into private.embedded_instance (id, token) values (true, $1) on conflict (id) do update set token = excluded.token, started_at = now()",
      [token],
    ),
  );
}
