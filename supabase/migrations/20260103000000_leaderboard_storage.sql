-- Leaderboard storage: the time zone and the storage constants later files name, the counter tables
-- (sales; views in counter slots), their read-only view and the
-- transaction-local table the write path collects product changes in.
-- Why slots, rank buckets and changed_at exist (and the figures behind them): supabase/README.md.
--
-- What the numbers are (DESIGN.md): the cache is a pure function of the current rows.
--   * A sale counts for the product's current seller in the month of its current sold_at.
--   * A row of product_views (counted views only) counts for the product's current seller in the month of
--     its viewed_at, and keeps counting after the product is sold.
--   * Months are computed in one leaderboard time zone, UTC (leaderboard_time_zone()), whatever the
--     session's TimeZone. All-time is the sum of the months.
--
-- Storage (both tables keyed by seller, year, month; year = 0 and month = 0 is the all-time row, kept
-- by the same triggers so all-time rankings are an index scan, not a sum over every month):
--   * seller_sales_counts: items_sold, one row per key. Sales rarely contend, so a plain upsert.
--   * seller_view_counts: total_views in counter slots. Slot 0 is the seller's row; a view that finds it
--     busy (a hot seller) adds to one of leaderboard_overflow_slots() overflow slots instead of waiting
--     (20260103000100_leaderboard_write_path.sql). A seller's figure is the sum of its slots;
--     correctness never depends on folding them back.
--   * seller_leaderboard_cache: a view over both, exact at commit, months only (no all-time rows).
--
-- Cheap writes: no index covers a column that changes on every view, so most increments are HOT updates.
-- Views are ranked through rank_bucket (a coarse, monotone image of total_views: exact below 128, then
-- steps of about 1-1.6%), and "latest change" is found through changed_at (last_updated held back by
-- less than a second). Top-N stays exact: candidates are every seller in a bucket at or above the N-th
-- seller's bucket plus the few sellers with overflow slots, then exact sums and rank().

-- Functions are closed by default (20260101000100_marketplace_schema.sql): each grants execute to exactly
-- the roles that call it, once, next to it.


-- ---------------------------------------------------------------------------------------------
-- The leaderboard time zone, fixed here. Immutable: inlined as a constant wherever it is used.
-- ---------------------------------------------------------------------------------------------
create function public.leaderboard_time_zone() returns text
  language sql immutable parallel safe
  return 'UTC';
comment on function public.leaderboard_time_zone() is 'The one time zone leaderboard months are computed in.';
grant execute on function public.leaderboard_time_zone() to anon, authenticated, service_role;

-- The year and month an event belongs to, in the leaderboard time zone (used by every trigger, and with
-- now() for "the current month" by every reader, so the rule lives in one place); the first day of that
-- month, for product_views.view_month. Immutable SQL: inlined where it is called, which needs the caller
-- to have execute (the read API and the dashboard run as the caller), hence the grants.
create function private.leaderboard_year(p_at timestamptz) returns integer
  language sql immutable parallel safe
  return extract(year from p_at at time zone public.leaderboard_time_zone())::integer;
create function private.leaderboard_month(p_at timestamptz) returns integer
  language sql immutable parallel safe
  return extract(month from p_at at time zone public.leaderboard_time_zone())::integer;
create function private.leaderboard_month_start(p_at timestamptz) returns date
  language sql immutable parallel safe
  return (date_trunc('month', p_at at time zone public.leaderboard_time_zone()))::date;
grant execute on function private.leaderboard_year(timestamptz), private.leaderboard_month(timestamptz),
  private.leaderboard_month_start(timestamptz) to anon, authenticated, service_role;

-- How many overflow slots a seller's view counter may have beside slot 0: that many writers of one hot
-- seller can add at once without waiting, and a reader sums at most that many extra rows per seller.
-- Immutable SQL: inlined as a constant wherever it is used. In public and executable by the API roles
-- (like leaderboard_rank_bucket) because the check constraint on slot uses it, and the planner folds that
-- constraint as the caller when it plans a read of the cache view (constraint exclusion of its UNION ALL).
create function public.leaderboard_overflow_slots() returns integer
  language sql immutable parallel safe
  return 64;
comment on function public.leaderboard_overflow_slots() is
  'How many overflow slots a seller''s view counter may have beside slot 0.';
grant execute on function public.leaderboard_overflow_slots() to anon, authenticated, service_role;

-- How far changed_at may trail last_updated (and so how often it moves at most): one second. Immutable
-- SQL: inlined as a constant wherever it is used (the write path and the read API, as the caller).
create function private.leaderboard_changed_at_step() returns interval
  language sql immutable parallel safe
  return interval '1 second';
grant execute on function private.leaderboard_changed_at_step() to anon, authenticated, service_role;

-- The changed_at a view counter row gets when it is written at p_now: unchanged while it is less than a
-- step old, else p_now. So changed_at trails last_updated by less than a second and moves at most once a
-- second (increments stay HOT updates). SQL, so it is inlined into the UPDATEs that call it; stable, not
-- immutable, because timestamptz - interval is (an immutable wrapper would not be inlined).
create function private.leaderboard_changed_at(p_changed_at timestamptz, p_now timestamptz) returns timestamptz
  language sql stable parallel safe
  return case when p_changed_at > p_now - private.leaderboard_changed_at_step() then p_changed_at else p_now end;

-- ---------------------------------------------------------------------------------------------
-- Storage
-- ---------------------------------------------------------------------------------------------
-- A coarse, monotone image of a view count for ranking: the exact value below 128, then steps of 1/64 of a
-- power of two (0.8-1.6% of the value) above. A large counter's bucket rarely changes, so the rank index is
-- rarely touched and its increments are HOT updates; the steps stay fine enough that few sellers share the
-- bucket of the N-th one (top-N reads look at every seller in it). v < w implies bucket(v) <= bucket(w), so
-- bucket(v) < bucket(w) implies v < w: everyone in a lower bucket than the N-th seller is below N sellers.
-- (e comes from floating point; an e off by one at a power of two gives the same bucket, so it stays exact.)
create function public.leaderboard_rank_bucket(p_views integer) returns smallint
  language sql immutable parallel safe strict
  return case
    when p_views < 128 then greatest(p_views, 0)
    else (floor(ln(p_views::double precision) / ln(2::double precision))::integer - 6) * 64
         + (p_views >> (floor(ln(p_views::double precision) / ln(2::double precision))::integer - 6))
  end::smallint;
comment on function public.leaderboard_rank_bucket(integer) is
  'The coarse, monotone rank key of a view count (exact below 128, then 1/64-octave steps).';
grant execute on function public.leaderboard_rank_bucket(integer) to anon, authenticated, service_role;

create table public.seller_sales_counts (
  -- No foreign key to users on purpose: a cascade from a deleted seller would lock these rows in no
  -- particular order (deadlocking with sales and views in flight), and a new counter row's key check on
  -- users would wait for the deleting transaction. Deleting a seller deletes their products, whose
  -- triggers bring every figure to zero in key order; the zero rows are ignored by every reader.
  seller_id uuid not null,
  year integer not null,
  month integer not null,
  items_sold integer not null default 0 check (items_sold >= 0),
  last_updated timestamptz not null default clock_timestamp(),
  constraint seller_sales_counts_period check ((year = 0 and month = 0) or (year between 1 and 9999 and month between 1 and 12))
) with (fillfactor = 70);
comment on table public.seller_sales_counts is
  'Leaderboard cache (sales). Maintained only by triggers. year = 0, month = 0 is the all-time row.';
create index seller_sales_counts_rank_idx on public.seller_sales_counts (year, month, items_sold desc) include (seller_id);
create index seller_sales_counts_changed_idx on public.seller_sales_counts (year, month, last_updated);
-- The primary key last: on a table without statistics yet (a new database) the planner prices a lookup by
-- the full key and one by (year, month) alike and keeps the index created last; every trigger lookup must
-- use the key, not scan the period.
alter table public.seller_sales_counts add primary key (seller_id, year, month);

-- Views are the hot path: an increment must stay a HOT update (no new index entries), so no btree covers a
-- column that changes on every view. total_views is ranked through rank_bucket; last_updated (exact) is
-- found through changed_at, which trails it by less than a second and so moves at most once a second.
create table public.seller_view_counts (
  -- No foreign key to users on purpose: a cascade from a deleted seller would lock these rows in no
  -- particular order (deadlocking with sales and views in flight), and a new counter row's key check on
  -- users would wait for the deleting transaction. Deleting a seller deletes their products, whose
  -- triggers bring every figure to zero in key order; the zero rows are ignored by every reader.
  seller_id uuid not null,
  year integer not null,
  month integer not null,
  slot smallint not null default 0 check (slot between 0 and public.leaderboard_overflow_slots()),
  total_views integer not null default 0 check (total_views >= 0),
  rank_bucket smallint not null generated always as (public.leaderboard_rank_bucket(total_views)) stored,
  last_updated timestamptz not null default clock_timestamp(),
  changed_at timestamptz not null default clock_timestamp(),
  constraint seller_view_counts_period check ((year = 0 and month = 0) or (year between 1 and 9999 and month between 1 and 12))
) with (fillfactor = 70);
comment on table public.seller_view_counts is
  'Leaderboard cache (views) in counter slots; a seller''s figure is the sum of its slots. Maintained only by triggers.';
comment on column public.seller_view_counts.rank_bucket is
  'public.leaderboard_rank_bucket(total_views): a coarse monotone rank key that rarely changes, so increments stay HOT.';
comment on column public.seller_view_counts.changed_at is
  'last_updated held back by less than a second (last_updated - 1 s < changed_at <= last_updated): moves at most once a second, so increments stay HOT; get_leaderboard_last_updated finds the exact latest last_updated through it.';
-- Ranking by slot 0's bucket, and the (few) sellers with overflow slots, which top-N reads always consider.
create index seller_view_counts_rank_idx on public.seller_view_counts (year, month, rank_bucket desc) include (seller_id) where slot = 0;
create index seller_view_counts_overflow_idx on public.seller_view_counts (year, month) include (seller_id) where slot > 0;
create index seller_view_counts_changed_idx on public.seller_view_counts (year, month, changed_at);
alter table public.seller_view_counts add primary key (seller_id, year, month, slot); -- last: see above

-- Public leaderboard data: anyone may read it, nobody but the triggers (security definer, owned by the
-- migration owner) writes it. service_role too gets read only.
alter table public.seller_sales_counts enable row level security;
alter table public.seller_view_counts enable row level security;
revoke all on table public.seller_sales_counts, public.seller_view_counts from public, anon, authenticated, service_role;
grant select on table public.seller_sales_counts, public.seller_view_counts to anon, authenticated, service_role;
create policy "leaderboard sales are public" on public.seller_sales_counts for select to anon, authenticated, service_role using (true);
create policy "leaderboard views are public" on public.seller_view_counts for select to anon, authenticated, service_role using (true);

-- Changes of products computed by row triggers, applied in key order by the statement trigger.
-- Rows live only inside the transaction that writes them (the statement trigger deletes them).
create unlogged table private.leaderboard_pending (
  seller_id uuid not null,
  year integer not null,
  month integer not null,
  d_sold integer not null default 0,
  d_views integer not null default 0
);
alter table private.leaderboard_pending enable row level security;
revoke all on table private.leaderboard_pending from public;

-- The exact figures per seller and month, as the DESIGN names them.
create view public.seller_leaderboard_cache with (security_invoker = true) as
select seller_id, year, month,
       sum(items_sold)::integer as items_sold,
       sum(total_views)::integer as total_views,
       max(last_updated) as last_updated
from (
  select seller_id, year, month, items_sold, 0 as total_views, last_updated from public.seller_sales_counts
  union all
  select seller_id, year, month, 0, total_views, last_updated from public.seller_view_counts
) counts
where month between 1 and 12
group by seller_id, year, month
having sum(items_sold) > 0 or sum(total_views) > 0;
comment on view public.seller_leaderboard_cache is
  'Exact leaderboard figures per seller and UTC month (months only; all-time is the sum). Read-only.';
revoke all on table public.seller_leaderboard_cache from public, anon, authenticated, service_role;
grant select on table public.seller_leaderboard_cache to anon, authenticated, service_role;
