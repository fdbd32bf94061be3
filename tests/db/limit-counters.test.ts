/**
 * The limit state kept in Postgres: take_rate_limit's fixed windows (server only, expired windows
 * deleted), the daily quota of new products, and display names (normalised, unique ignoring case).
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { asRole, createTestDatabase, createUser, type TestDatabase } from "../helpers/db";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

const take = (key: string, limit: number, windowSeconds: number, role: "service_role" | "anon" = "service_role") =>
  asRole(
    db.pool,
    role,
    null,
    async (c) =>
      (await c.query("select public.take_rate_limit($1, $2, $3) as wait", [key, limit, windowSeconds])).rows[0]
        .wait as number,
    { commit: true },
  );

describe("take_rate_limit", () => {
  it("allows the limit in a window, then answers the seconds left; a new window starts afresh", async () => {
    const key = `t:${randomUUID()}`;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) waits.push(await take(key, 3, 60));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(waits[3]).toBeLessThanOrEqual(60);
    // The window ends (moved into the past here instead of waiting): counting starts again.
    await db.pool.query("update private.rate_limit_windows set expires_at = now() - interval '1 s' where key = $1", [
      key,
    ]);
    expect(await take(key, 3, 60)).toBe(0);
    const { rows } = await db.pool.query("select hits from private.rate_limit_windows where key = $1", [key]);
    expect(rows).toEqual([{ hits: 1 }]);
  });

  it("counts exactly under concurrent calls", async () => {
    const key = `t:${randomUUID()}`;
    const waits = await Promise.all(Array.from({ length: 40 }, () => take(key, 25, 60)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(25);
  });

  it("deletes expired windows as calls go by, so the table stays bounded", async () => {
    await db.pool.query(
      `insert into private.rate_limit_windows (key, hits, expires_at)
       select 'old:' || i, 1, now() - interval '1 hour' from generate_series(1, 500) i`,
    );
    const { rows } = await db.pool.query("select private.delete_expired_rate_limit_windows(100) as n");
    expect(rows[0].n).toBe(100);
    // Every call deletes up to two as it goes: more than the one key it may add.
    for (let i = 0; i < 50; i++) await take(`t:${randomUUID()}`, 1, 60);
    const left = await db.pool.query(
      "select count(*)::int as n from private.rate_limit_windows where key like 'old:%'",
    );
    expect(left.rows[0].n).toBe(300);
  });

  it("is for the server only", async () => {
    await expect(take("x", 1, 1, "anon")).rejects.toMatchObject({ code: "42501" });
    const { rows } = await db.pool.query(
      `select r from unnest(array['anon', 'authenticated', 'service_role']) r
        where has_function_privilege(r, 'public.take_rate_limit(text, integer, integer)', 'execute')`,
    );
    expect(rows).toEqual([{ r: "service_role" }]);
  });
});

describe("the daily quota of new products", () => {
  it("lets a user create 50 products a day, then refuses with PT429 and the seconds to wait", async () => {
    const seller = await createUser(db.pool, `Quota ${randomUUID()}`);
    const create = (title: string) =>
      asRole(
        db.pool,
        "authenticated",
        seller,
        (c) => c.query("select public.create_product($1, '', 1, 'draft')", [title]),
        { commit: true },
      );
    for (let i = 0; i < 50; i++) await create(`Item ${i}`);
    const refused = await create("One too many").catch((error) => error);
    expect(refused).toMatchObject({ code: "PT429" });
    expect(Number(refused.detail)).toBeGreaterThan(0);
    // Inserting through the table (the REST API) counts against the same quota.
    await expect(
      asRole(db.pool, "authenticated", seller, (c) =>
        c.query("insert into public.products (title, price) values ('Direct', 1)"),
      ),
    ).rejects.toMatchObject({ code: "PT429" });
    const { rows } = await db.pool.query("select count(*)::int as n from public.products where seller_id = $1", [
      seller,
    ]);
    expect(rows[0].n).toBe(50);
    // Trusted writers (imports, admin SQL) are not limited.
    await db.pool.query("insert into public.products (seller_id, title, price) values ($1, 'Import', 1)", [seller]);
  });
});

describe("display names", () => {
  it("are normalised (NFKC, invisible characters removed, spaces collapsed)", async () => {
    const id = await createUser(db.pool, "  Ｔｈｅｏ\u200b  O\u00adkafor\u2060 ");
    const { rows } = await db.pool.query("select display_name from public.users where id = $1", [id]);
    expect(rows[0].display_name).toBe("Theo Okafor");
  });

  it("are unique ignoring case: a sign-up gets a numbered suffix, a rename to a taken name fails", async () => {
    const base = `Nia ${randomUUID().slice(0, 8)}`;
    const first = await createUser(db.pool, base);
    const second = await createUser(db.pool, base.toUpperCase());
    const third = await createUser(db.pool, `${base}\u200b`);
    const names = await db.pool.query("select id, display_name from public.users where id = any($1)", [
      [first, second, third],
    ]);
    const byId = Object.fromEntries(names.rows.map((r) => [r.id, r.display_name]));
    expect([byId[first], byId[second], byId[third]]).toEqual([base, `${base.toUpperCase()} 2`, `${base} 3`]);
    const rename = (name: string) =>
      asRole(db.pool, "authenticated", third, (c) =>
        c.query("update public.users set display_name = $1 where id = $2", [name, third]),
      );
    await expect(rename(base.toLowerCase())).rejects.toMatchObject({
      code: "23505",
      constraint: "users_display_name_unique",
    });
    await expect(rename(`\u200b${base}`)).rejects.toMatchObject({ code: "23505" });
    await rename(`${base} the third`);
  });
});

describe("the sweep", () => {
  it("runs when a window starts, deleting old months' view budgets too", async () => {
    await db.pool.query(
      `insert into private.view_budgets (client_key, seller_id, view_month, views)
       select 'sweep:' || i, gen_random_uuid(), (date_trunc('month', now()) - interval '3 months')::date, 1
         from generate_series(1, 6) i`,
    );
    const left = async () =>
      (await db.pool.query("select count(*)::int as n from private.view_budgets where client_key like 'sweep:%'"))
        .rows[0].n as number;
    const key = `t:${randomUUID()}`;
    await take(key, 100, 60); // a new window: sweeps up to 2
    expect(await left()).toBeLessThanOrEqual(4);
    const afterStart = await left();
    await take(key, 100, 60); // the same window: no sweep
    expect(await left()).toBe(afterStart);
    // Last month's budgets are kept (a view budget spans its month; the sweep takes older ones only).
    await db.pool.query(
      `insert into private.view_budgets (client_key, seller_id, view_month, views)
       values ('sweep:last', gen_random_uuid(), (date_trunc('month', now()) - interval '1 month')::date, 1)`,
    );
    for (let i = 0; i < 4; i++) await take(`t:${randomUUID()}`, 100, 60);
    const { rows } = await db.pool.query(
      "select client_key from private.view_budgets where client_key like 'sweep:%' order by client_key",
    );
    expect(rows).toEqual([{ client_key: "sweep:last" }]);
  });
});
