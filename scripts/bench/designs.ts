/**
 * The designs the workloads run against, side by side in one database:
 *   project  the migrations in supabase/ (schema public): one counter row per key (seller month and all
 *            time, product total and day), kept by statement triggers.
 *   seed     the design of the leaderboard plan the project started from, in schema seed_design: one cache
 *            row per seller and month, a row-level trigger doing an upsert per sale and per view with the month
 *            taken from the event's own timestamp (so it is correct), and products.view_count incremented in
 *            the same transaction. Same tables and indexes otherwise. Like the plan, deletes and moves are
 *            not counted back (which only makes it cheaper).
 *   seed + indexes  (ingest and hot only) the seed design in schema seed_indexed, plus the rank indexes its
 *            reads lack ((year, month, items_sold desc) and (year, month, total_views desc)): what the seed
 *            design would cost with reads that do not scan a period.
 *   plain    the physical limit, in schema bench_plain: copies of products and product_views with no cache
 *            triggers at all (products keeps its sold_at rule, part of the table's meaning).
 * Both copies reference public.users, so every design sees the same sellers.
 */
import type pg from "pg";

export type Design = "project" | "seed" | "seedIndexed" | "plain";
/** The designs of the mixed workload (ingest and hot add seedIndexed). */
export const DESIGNS: Design[] = ["project", "seed", "plain"];
export const SCHEMA: Record<Design, string> = {
  project: "public",
  seed: "seed_design",
  seedIndexed: "seed_indexed",
  plain: "bench_plain",
};

const copyTables = (schema: string) => `
  create schema ${schema};
  create table ${schema}.products (like public.products including all);
  alter table ${schema}.products add foreign key (seller_id) references public.users (id) on delete cascade;
  create table ${schema}.product_views (like public.product_views including all);
  alter table ${schema}.product_views add foreign key (product_id) references ${schema}.products (id) on delete cascade;
  alter table ${schema}.product_views add foreign key (user_id) references public.users (id) on delete cascade;
  create index on ${schema}.products (seller_id, sold_at) where sold_at is not null;
  create trigger products_set_sold_at before insert or update of status, sold_at on ${schema}.products
    for each row execute function public.products_set_sold_at();
`;

/** The seed plan's design in schema `schema` (seed_design, or seed_indexed with the rank indexes added). */
const seedDesignSql = (schema: string) =>
  `${copyTables(schema)}` +
  SEED_DESIGN_SQL.replace(/\bseed_design\b/g, schema) +
  (schema === "seed_design"
    ? ""
    : `create index on ${schema}.seller_leaderboard_cache (year, month, items_sold desc);
       create index on ${schema}.seller_leaderboard_cache (year, month, total_views desc);`);

const SEED_DESIGN_SQL = `
-- The plan keeps a view_count column on products (the project derives the figure instead).
alter table seed_design.products add column view_count integer not null default 0;

-- The plan's Step 3, keyed by (seller, year, month) so months do not overwrite each other.
create table seed_design.seller_leaderboard_cache (
  seller_id uuid not null references public.users (id) on delete cascade,
  items_sold integer default 0,
  total_views integer default 0,
  last_updated timestamptz default now(),
  month integer not null,
  year integer not null,
  primary key (seller_id, year, month)
);
create index idx_leaderboard_cache_month_year on seed_design.seller_leaderboard_cache (month, year);

-- The plan's Step 4 trigger 1, with the month of the sale's own sold_at (and -1 on an undo).
create function seed_design.update_leaderboard_on_sale() returns trigger language plpgsql as $$
begin
  if new.status = 'sold' and (old.status is null or old.status <> 'sold') then
    insert into seed_design.seller_leaderboard_cache (seller_id, items_sold, month, year)
    values (new.seller_id, 1, extract(month from new.sold_at at time zone 'UTC')::int, extract(year from new.sold_at at time zone 'UTC')::int)
    on conflict (seller_id, year, month) do update
      set items_sold = seller_leaderboard_cache.items_sold + 1, last_updated = now();
  elsif old.status = 'sold' and new.status <> 'sold' then
    update seed_design.seller_leaderboard_cache
       set items_sold = items_sold - 1, last_updated = now()
     where seller_id = old.seller_id
       and month = extract(month from old.sold_at at time zone 'UTC')::int
       and year = extract(year from old.sold_at at time zone 'UTC')::int;
  end if;
  return new;
end;
$$;
create trigger trigger_update_leaderboard_on_sale after update on seed_design.products
  for each row when (new.status is distinct from old.status) execute function seed_design.update_leaderboard_on_sale();

create function seed_design.update_leaderboard_on_sold_insert() returns trigger language plpgsql as $$
begin
  insert into seed_design.seller_leaderboard_cache (seller_id, items_sold, month, year)
  values (new.seller_id, 1, extract(month from new.sold_at at time zone 'UTC')::int, extract(year from new.sold_at at time zone 'UTC')::int)
  on conflict (seller_id, year, month) do update
    set items_sold = seller_leaderboard_cache.items_sold + 1, last_updated = now();
  return new;
end;
$$;
create trigger trigger_update_leaderboard_on_sold_insert after insert on seed_design.products
  for each row when (new.status = 'sold') execute function seed_design.update_leaderboard_on_sold_insert();

-- The plan's Step 4 trigger 2, with the month of viewed_at, and the product's view_count in the same transaction.
create function seed_design.update_leaderboard_on_view() returns trigger language plpgsql as $$
begin
  insert into seed_design.seller_leaderboard_cache (seller_id, total_views, month, year)
  select p.seller_id, 1, extract(month from new.viewed_at at time zone 'UTC')::int, extract(year from new.viewed_at at time zone 'UTC')::int
    from seed_design.products p where p.id = new.product_id
  on conflict (seller_id, year, month) do update
    set total_views = seller_leaderboard_cache.total_views + 1, last_updated = now();
  update seed_design.products set view_count = view_count + 1 where id = new.product_id;
  return new;
end;
$$;
create trigger trigger_update_leaderboard_on_view after insert on seed_design.product_views
  for each row execute function seed_design.update_leaderboard_on_view();

-- What the server would call for a view in the seed design: the same checks as public.record_product_view.
create function seed_design.record_product_view(p_product_id uuid, p_session_id uuid) returns boolean
  language plpgsql as $$
declare
  v_product record;
  v_id bigint;
begin
  select p.seller_id, p.status into v_product from seed_design.products p where p.id = p_product_id;
  if not found then raise exception 'product not found' using errcode = 'PT404'; end if;
  if v_product.status <> 'active' then return false; end if;
  insert into seed_design.product_views (product_id, session_id) values (p_product_id, p_session_id)
  on conflict (product_id, (coalesce(user_id, session_id)), view_month) do nothing
  returning id into v_id;
  return v_id is not null;
end;
$$;
grant usage on schema seed_design to service_role;
grant all on all tables in schema seed_design to service_role;
-- The project's migrations close new functions by default (20260103000000): open this one as the project's is.
grant execute on function seed_design.record_product_view(uuid, uuid) to service_role;
`;

const CREATE_DESIGNS_SQL = `${copyTables("bench_plain")}${seedDesignSql("seed_design")}${seedDesignSql("seed_indexed")}`;

export async function createDesigns(db: pg.Client | pg.Pool): Promise<void> {
  await db.query(CREATE_DESIGNS_SQL);
}

/** `count` sellers (auth.users rows; the sign-up trigger makes their profiles). Returns their ids. */
export async function addSellers(db: pg.Client | pg.Pool, count: number, prefix = "seller"): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `with ins as (
       insert into auth.users (id, email, raw_user_meta_data)
       select gen_random_uuid(), $2 || '-' || g || '-' || substr(md5(random()::text), 1, 8) || '@bench.test',
              jsonb_build_object('display_name', initcap($2) || ' ' || g)
         from generate_series(1, $1) g
       returning id)
     select id from ins`,
    [count, prefix],
  );
  return rows.map((r) => r.id);
}

/**
 * The same products (same ids) in every design: `perSeller` active products for each seller.
 * Returns the ids in seller order.
 */
export async function addProducts(db: pg.Client | pg.Pool, sellers: string[], perSeller: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `insert into public.products (seller_id, title, price, status)
     select s, 'Item ' || g, 10, 'active' from unnest($1::uuid[]) with ordinality u(s, n), generate_series(1, $2) g
      order by n, g
     returning id`,
    [sellers, perSeller],
  );
  for (const schema of ["seed_design", "seed_indexed", "bench_plain"]) {
    await db.query(
      `insert into ${schema}.products (id, seller_id, title, price, status, created_at, updated_at)
       select id, seller_id, title, price, status, created_at, updated_at from public.products where id = any($1::uuid[])`,
      [rows.map((r) => r.id)],
    );
  }
  return rows.map((r) => r.id);
}
