import { describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser } from "../helpers/db";

describe("sign-up creates a profile", () => {
  it("inserts public.users from the auth user's metadata", async () => {
    const db = await createTestDatabase();
    const id = await createUser(db.pool, "Ada Seller");
    const { rows } = await db.pool.query("select display_name from public.users where id = $1", [id]);
    expect(rows).toEqual([{ display_name: "Ada Seller" }]);
    const seen = await asRole(db.pool, "anon", null, (c) => c.query("select count(*)::int as n from public.users"));
    expect(seen.rows[0].n).toBe(1);
  });
});
