/**
 * Demo sign-in's data and its guard. Demo sign-in (and the public development secret it signs with)
 * is allowed only while the database answers with the per-start token the launcher wrote into it
 * and gave the app (scripts/lib/embedded-instance.ts): an APP_MODE=embedded copied next to another
 * database's URL finds no token there, so it switches nothing on.
 */
import "server-only";
import { shownAvatarUrl } from "../avatars";
import { getConfig } from "../config";
import { rpc, SERVICE_ROLE } from "../db";
import { demoUserListEntrySchema, demoUserSchema, type DemoUser, type DemoUserListEntry } from "../validation/auth";

const proofs = new Map<string, boolean>();

/** True when the app runs in the embedded mode against the embedded database it was started with. */
export async function embeddedDatabaseProven(): Promise<boolean> {
  const config = getConfig();
  if (config.mode !== "embedded" || !config.embeddedInstanceToken) return false;
  const key = `${config.transport.databaseUrl}\n${config.embeddedInstanceToken}`;
  const known = proofs.get(key);
  if (known !== undefined) return known;
  // A database outage throws (503) rather than caching a wrong "no".
  const answer = await rpc("embedded_instance_token", {}, SERVICE_ROLE);
  const proven = typeof answer === "string" && answer === config.embeddedInstanceToken;
  if (!proven)
    console.warn(
      "APP_MODE=embedded, but this database is not the embedded one the launcher started: demo sign-in is off.",
    );
  proofs.set(key, proven);
  return proven;
}

/** Everyone demo sign-in offers, sellers first (the order is list_demo_users()'s). */
export async function listDemoUsers(): Promise<DemoUserListEntry[]> {
  const rows = await rpc("list_demo_users", {}, SERVICE_ROLE);
  return rows.map((row) =>
    demoUserListEntrySchema.parse({
      id: row.id,
      displayName: row.display_name,
      productCount: row.product_count,
      isSeller: row.is_seller,
    }),
  );
}

/** The one user demo sign-in asks for, or null when there is none. */
export async function findDemoUser(userId: string): Promise<DemoUser | null> {
  const [row] = await rpc("get_demo_user", { p_user_id: userId }, SERVICE_ROLE);
  return row
    ? demoUserSchema.parse({ id: row.id, displayName: row.display_name, avatarUrl: shownAvatarUrl(row.avatar_url) })
    : null;
}
