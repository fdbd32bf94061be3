/**
 * The functions' rules hold at the table too, for clients reaching it directly (as through Supabase's REST
 * API): a seller cannot delete their own sold product nor insert a product already sold; avatars are
 * https: URLs (http: on localhost) or null.
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";
import { insertProduct } from "./leaderboard-helpers";

let db: TestDatabase;
let seller: string;
beforeAll(async () => {
  db = await createTestDatabase();
  seller = await createUser(db.pool, "Direct seller");
});

const asSeller = <T>(fn: (c: pg.PoolClient) => Promise<T>) =>
  asRole(db.pool, "authenticated", seller, fn, { commit: true });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: string }) => e.code,
  );

describe("products, written directly as the seller", () => {
  it("a sold product cannot be deleted (delete_product says 409; the table deletes nothing)", async () => {
    const sold = await insertProduct(db.pool, seller, { status: "sold" });
    expect(await codeOf(asSeller((c) => c.query("select public.delete_product($1)", [sold])))).toBe("PT409");
    const deleted = await asSeller((c) => c.query("delete from public.products where id = $1", [sold]));
    expect(deleted.rowCount).toBe(0);
    const still = await db.pool.query("select status from public.products where id = $1", [sold]);
    expect(still.rows).toEqual([{ status: "sold" }]);
    // Unsold first, it can go.
    const active = await insertProduct(db.pool, seller, { status: "active" });
    expect((await asSeller((c) => c.query("delete from public.products where id = $1", [active]))).rowCount).toBe(1);
  });

  it("a product cannot be inserted already sold", async () => {
    expect(
      await codeOf(
        asSeller((c) => c.query("insert into public.products (title, price, status) values ('x', 5, 'sold')")),
      ),
    ).toBe("42501");
    for (const status of ["draft", "active"]) {
      expect(
        await codeOf(
          asSeller((c) => c.query("insert into public.products (title, price, status) values ('x', 5, $1)", [status])),
        ),
      ).toBe("ok");
    }
  });
});

describe("users.avatar_url", () => {
  const setAvatar = (url: string | null) =>
    codeOf(asSeller((c) => c.query("update public.users set avatar_url = $1 where id = $2", [url, seller])));

  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "http://example.com/a.png",
    "https://",
    "https://exa mple.com/a.png",
    "//example.com/a.png",
  ])("refuses %s", async (url) => {
    expect(await setAvatar(url)).toBe("23514");
  });

  it.each([
    "https://example.com/a.png",
    "https://cdn.example.com:8443/u/1?size=64",
    "http://localhost:3000/a.png",
    null,
  ])("accepts %s", async (url) => {
    expect(await setAvatar(url)).toBe("ok");
  });

  it("a sign-up with an unsafe avatar still creates the profile, without the avatar", async () => {
    const { rows } = await db.pool.query(
      `insert into auth.users (id, email, raw_user_meta_data)
       values (gen_random_uuid(), 'x@example.test', '{"display_name":"X","avatar_url":"javascript:alert(1)"}') returning id`,
    );
    const profile = await db.pool.query("select display_name, avatar_url from public.users where id = $1", [
      rows[0].id,
    ]);
    expect(profile.rows).toEqual([{ display_name: "X", avatar_url: null }]);
  });
});
