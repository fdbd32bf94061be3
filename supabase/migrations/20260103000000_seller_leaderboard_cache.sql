-- The seller leaderboard cache: exact, trigger-maintained, hot-seller friendly.
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
--   * seller_view_counts: total_views in counter slots. Slot 0 is the seller's row. A view probes it with a
--     non-waiting transaction advisory lock and, when another transaction holds it (a hot seller), adds to
--     an overflow slot instead of waiting. A seller's figure is the sum of its slots; correctness never
--     depends on folding them back.
--   * seller_leaderboard_cache: a view over both, exact at commit, months only (no all-time rows).
--
-- Cheap writes: no index covers a column that changes on every view, so most increments are HOT updates.
-- Views are ranked through rank_bucket (a coarse, monotone image of total_views: exact below 128, then
-- steps of about 1-1.6%), and "latest change" is found through changed_at (last_updated held back by
-- less than a second). Top-N stays exact: candidates are every seller in a bucket at or above the N-th
-- seller's bucket plus the few sellers with overflow slots, then exact sums and rank().
--
-- Locking: every trigger applies its changes key by key in (seller_id, year, month) order (all-time
-- first), per key the sales row before the view slots, view slots in slot order. Bulk statements (more
-- than 64 keys) and transactions past 256 inserted views stop taking advisory locks (they would fill
-- the shared lock table) and fall back to row locks or a SHARE ROW EXCLUSIVE table lock.
-- Races with a product changing seller or being deleted: products gets a unique index on (id, seller_id),
-- which makes seller_id a key column, so moving a product takes the strongest row lock, which conflicts with
-- the FOR KEY SHARE lock of the product_views foreign key check (a new view waits, then sees the new
-- seller); and the mover/deleter counts the product's views FOR SHARE (it waits for a view being deleted or
-- edited, then counts without it).
-- Nothing here sends NOTIFY; "what changed since" is get_leaderboard_last_updated(), index lookups.

create schema if not exists private;
revoke all on schema private from public;
comment on schema private is 'Internal helpers (trigger functions, leaderboard plumbing). Not exposed to API roles.';

-- ---------------------------------------------------------------------------------------------
-- The leaderboard time zone, fixed here. Immutable: inlined as a constant wherever it is used.
-- ---------------------------------------------------------------------------------------------
create function public.leaderboard_time_zone() returns text
  language sql immutable parallel safe
  return 'UTC';
comment on function public.leaderboard_time_zone() is 'The one time zone leaderboard months are computed in.';

-- The year and month an event belongs to, in the leaderboard time zone (used by every trigger, so the
-- rule lives in one place). Immutable SQL: inlined where it is called.
create function private.leaderboard_year(p_at timestamptz) returns integer
  language sql immutable parallel safe
  return extract(year from p_at at time zone public.leaderboard_time_zone())::integer;
create function private.leaderboard_month(p_at timestamptz) returns integer
  language sql immutable parallel safe
  return extract(month from p_at at time zone public.leaderboard_time_zone())::integer;
revoke execute on function public.leaderboard_time_zone() from public, anon, authenticated, service_role;
grant execute on function public.leaderboard_time_zone() to anon, authenticated, service_role;

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
revoke execute on function public.leaderboard_rank_bucket(integer) from public, anon, authenticated, service_role;
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
  slot smallint not null default 0 check (slot between 0 and 64),
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

-- Moving a product to another seller must conflict with the FOR KEY SHARE lock of a concurrent view's
-- foreign key check, so that view is counted for the right seller: make seller_id a key column.
create unique index products_id_seller_id_key on public.products (id, seller_id);

-- ---------------------------------------------------------------------------------------------
-- Applying changes to one key
-- ---------------------------------------------------------------------------------------------
-- Adds p_delta (any sign) to a seller's items_sold of one period. Never below zero.
create function private.leaderboard_add_sales(p_seller uuid, p_year integer, p_month integer, p_delta integer)
  returns void language plpgsql security definer set search_path = ''
as $$
begin
  if p_delta > 0 then
    insert into public.seller_sales_counts as c (seller_id, year, month, items_sold)
    values (p_seller, p_year, p_month, p_delta)
    on conflict (seller_id, year, month)
    do update set items_sold = c.items_sold + excluded.items_sold, last_updated = clock_timestamp();
  elsif p_delta < 0 then
    update public.seller_sales_counts
       set items_sold = greatest(items_sold + p_delta, 0), last_updated = clock_timestamp()
     where seller_id = p_seller and year = p_year and month = p_month;
  end if;
end;
$$;

-- Adds p_delta (any sign) to a seller's views of one period (all-time: year 0, month 0).
--
-- Who may write a slot row: whoever holds the transaction advisory lock (uuid_hash(seller),
-- (year * 13 + month) * 65 + slot), or a statement that holds the table in SHARE ROW EXCLUSIVE mode
-- ('locked': nobody else writes then), or a bulk 'rows' increment (below). Advisory locks live in shared
-- memory: probing one writes nothing, unlike SELECT ... FOR UPDATE SKIP LOCKED, which writes xmax into the
-- row (and WAL) before the UPDATE writes it again.
--
-- p_mode:
--   'probe'  Increments never wait: slot 0 if its lock is free, else an existing overflow slot whose lock is
--            free, else a new overflow slot; one UPDATE (usually HOT) or one upsert. A row whose lock we got is
--            never held by another transaction (every other writer of it holds that lock too), so the write
--            does not wait either. Decrements wait for the lock of every slot, in slot order.
--   'rows'   For a transaction that has already taken many keys (bulk inserts: advisory locks would fill the
--            shared lock table): increments take a slot row with FOR NO KEY UPDATE SKIP LOCKED. Decrements as
--            in 'probe'.
--   'locked' The caller holds SHARE ROW EXCLUSIVE on seller_view_counts: plain upsert / update of slot 0.
create function private.leaderboard_add_views(p_seller uuid, p_year integer, p_month integer, p_delta integer,
                                              p_mode text default 'probe')
  returns void language plpgsql security definer set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_lock1 integer := pg_catalog.uuid_hash(p_seller);
  v_lock2 integer := (p_year * 13 + p_month) * 65;
  v_slot smallint;
  v_existing smallint[];
  v_left integer;
  v_take integer;
  r record;
begin
  if p_delta > 0 then
    if p_mode = 'probe' then
      if pg_catalog.pg_try_advisory_xact_lock(v_lock1, v_lock2) then
        v_slot := 0;
      else
        -- Slot 0 is busy: an existing overflow slot nobody holds, else a new one (spread by backend so
        -- concurrent newcomers rarely pick the same number).
        select coalesce(array_agg(c.slot order by c.slot), '{}') into v_existing from public.seller_view_counts c
         where c.seller_id = p_seller and c.year = p_year and c.month = p_month and c.slot > 0;
        foreach v_slot in array v_existing loop
          exit when pg_catalog.pg_try_advisory_xact_lock(v_lock1, v_lock2 + v_slot);
          v_slot := null;
        end loop;
        if v_slot is null then
          for v_slot in
            select s.n from generate_series(1, 64) s(n)
             where s.n <> all (v_existing) order by (s.n + pg_catalog.pg_backend_pid()) % 64
          loop
            exit when pg_catalog.pg_try_advisory_xact_lock(v_lock1, v_lock2 + v_slot);
            v_slot := null;
          end loop;
        end if;
        if v_slot is null then
          -- All 65 slots are held at this very moment: wait for slot 0.
          perform pg_catalog.pg_advisory_xact_lock(v_lock1, v_lock2);
          v_slot := 0;
        end if;
      end if;
      update public.seller_view_counts
         set total_views = total_views + p_delta, last_updated = v_now,
             changed_at = case when changed_at > v_now - interval '1 second' then changed_at else v_now end
       where seller_id = p_seller and year = p_year and month = p_month and slot = v_slot;
      if found then
        return;
      end if;
      -- A new row. Another transaction can only have created it and committed (it held the lock we hold).
      insert into public.seller_view_counts as c (seller_id, year, month, slot, total_views, last_updated, changed_at)
      values (p_seller, p_year, p_month, v_slot, p_delta, v_now, v_now)
      on conflict (seller_id, year, month, slot)
      do update set total_views = c.total_views + excluded.total_views, last_updated = excluded.last_updated,
                    changed_at = case when c.changed_at > excluded.last_updated - interval '1 second'
                                      then c.changed_at else excluded.last_updated end;
      return;
    end if;

    if p_mode = 'rows' then
      -- Slot 0 unless another transaction holds its row, else an overflow slot whose row is free.
      select c.slot into v_slot from public.seller_view_counts c
       where c.seller_id = p_seller and c.year = p_year and c.month = p_month
       order by c.slot limit 1
         for no key update skip locked;
      if not found then
        -- No free row: slot 0 if nobody has created it, else a new overflow slot (under its advisory lock,
        -- so the insert never meets an uncommitted row of a prober).
        select coalesce(array_agg(c.slot order by c.slot), '{}') into v_existing from public.seller_view_counts c
         where c.seller_id = p_seller and c.year = p_year and c.month = p_month;
        if cardinality(v_existing) = 0 then
          v_slot := 0;
        else
          for v_slot in
            select s.n from generate_series(1, 64) s(n)
             where s.n <> all (v_existing) order by (s.n + pg_catalog.pg_backend_pid()) % 64
          loop
            exit when pg_catalog.pg_try_advisory_xact_lock(v_lock1, v_lock2 + v_slot);
            v_slot := null;
          end loop;
          v_slot := coalesce(v_slot, 0); -- every slot taken: wait for slot 0
        end if;
      end if;
    else
      v_slot := 0; -- 'locked'
    end if;
    insert into public.seller_view_counts as c (seller_id, year, month, slot, total_views, last_updated, changed_at)
    values (p_seller, p_year, p_month, v_slot, p_delta, v_now, v_now)
    on conflict (seller_id, year, month, slot)
    do update set total_views = c.total_views + excluded.total_views, last_updated = excluded.last_updated,
                  changed_at = case when c.changed_at > excluded.last_updated - interval '1 second'
                                    then c.changed_at else excluded.last_updated end;
  elsif p_delta < 0 then
    -- Lock every slot of the key in slot order and take from slot 0 first.
    if p_mode <> 'locked' then
      for r in
        select c.slot from public.seller_view_counts c
         where c.seller_id = p_seller and c.year = p_year and c.month = p_month order by c.slot
      loop
        perform pg_catalog.pg_advisory_xact_lock(v_lock1, v_lock2 + r.slot);
      end loop;
    end if;
    v_left := -p_delta;
    for r in
      select slot, total_views from public.seller_view_counts
       where seller_id = p_seller and year = p_year and month = p_month
       order by slot
         for no key update
    loop
      v_take := least(v_left, r.total_views);
      -- Touch slot 0 even when it has nothing to give, so last_updated always moves.
      if v_take > 0 or r.slot = 0 then
        update public.seller_view_counts
           set total_views = total_views - v_take, last_updated = v_now,
               changed_at = case when changed_at > v_now - interval '1 second' then changed_at else v_now end
         where seller_id = p_seller and year = p_year and month = p_month and slot = r.slot;
        v_left := v_left - v_take;
      end if;
      exit when v_left = 0;
    end loop;
    -- Anything left means the cache was already short (only possible if someone bypassed the triggers);
    -- the counters stay at zero and seller_leaderboard_drift() reports it.
  end if;
end;
$$;

-- One change to apply: a key and its deltas.
create type private.leaderboard_delta as (seller_id uuid, year integer, month integer, d_sold integer, d_views integer);

-- Applies changes key by key in (seller_id, year, month) order (all-time first). A statement touching more
-- keys than advisory locks should be held for (bulk deletes, moves, imports) takes seller_view_counts in
-- SHARE ROW EXCLUSIVE mode instead (writers wait for it; readers do not) and writes without them.
create function private.leaderboard_apply(p_changes private.leaderboard_delta[])
  returns void language plpgsql security definer set search_path = ''
as $$
declare
  r private.leaderboard_delta;
  v_mode text := 'probe';
begin
  if cardinality(p_changes) > 64 then
    lock table public.seller_view_counts in share row exclusive mode;
    v_mode := 'locked';
  end if;
  foreach r in array coalesce(p_changes, '{}') loop
    perform private.leaderboard_add_sales(r.seller_id, r.year, r.month, r.d_sold);
    perform private.leaderboard_add_views(r.seller_id, r.year, r.month, r.d_views, v_mode);
  end loop;
end;
$$;

-- Applies every pending product change of this transaction.
create function private.leaderboard_apply_pending() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_changes private.leaderboard_delta[];
begin
  with drained as (delete from private.leaderboard_pending returning *),
  keyed as (
    select seller_id, year, month, d_sold, d_views from drained
    union all
    select seller_id, 0, 0, d_sold, d_views from drained
  ),
  summed as (
    select seller_id, year, month, sum(d_sold)::integer as d_sold, sum(d_views)::integer as d_views
      from keyed
     group by seller_id, year, month
    having sum(d_sold) <> 0 or sum(d_views) <> 0
  )
  select array_agg(row(seller_id, year, month, d_sold, d_views)::private.leaderboard_delta
                   order by seller_id, year, month)
    into v_changes from summed;
  perform private.leaderboard_apply(v_changes);
  return null;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- products triggers
-- ---------------------------------------------------------------------------------------------
-- Insert: already-sold products count at once (a new product has no views yet).
create function private.leaderboard_products_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  r record;
begin
  for r in
    with sales as (
      select seller_id,
             private.leaderboard_year(sold_at) as year,
             private.leaderboard_month(sold_at) as month
        from new_products where sold_at is not null
    ),
    keyed as (select seller_id, year, month from sales union all select seller_id, 0, 0 from sales)
    select seller_id, year, month, count(*)::integer as n from keyed
     group by seller_id, year, month order by seller_id, year, month
  loop
    perform private.leaderboard_add_sales(r.seller_id, r.year, r.month, r.n);
  end loop;
  return null;
end;
$$;

-- Update of status / sold_at / seller_id (row level, so the trigger can name its columns): the old sale
-- leaves the month of the OLD sold_at, the new one enters the month of the new sold_at; a product moved
-- to another seller takes every month of its views with it.
create function private.leaderboard_products_changed() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if old.sold_at is not null then
    insert into private.leaderboard_pending (seller_id, year, month, d_sold)
    values (old.seller_id,
            private.leaderboard_year(old.sold_at),
            private.leaderboard_month(old.sold_at), -1);
  end if;
  if new.sold_at is not null then
    insert into private.leaderboard_pending (seller_id, year, month, d_sold)
    values (new.seller_id,
            private.leaderboard_year(new.sold_at),
            private.leaderboard_month(new.sold_at), 1);
  end if;
  if new.seller_id <> old.seller_id then
    insert into private.leaderboard_pending (seller_id, year, month, d_views)
    select s.seller_id, m.year, m.month, s.sign * m.n
      from (
        select private.leaderboard_year(v.viewed_at) as year,
               private.leaderboard_month(v.viewed_at) as month,
               count(*)::integer as n
          -- FOR SHARE: waits for a concurrent delete/edit of one of these views, then sees the outcome.
          from (select pv.viewed_at from public.product_views pv where pv.product_id = new.id for share) v
         group by 1, 2
      ) m
      cross join (values (old.seller_id, -1), (new.seller_id, 1)) s(seller_id, sign);
  end if;
  return null;
end;
$$;

-- Delete (runs BEFORE the row goes, while its views still exist; the cascade to product_views is then
-- ignored by the view trigger because the product is gone).
create function private.leaderboard_products_deleting() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if old.sold_at is not null then
    insert into private.leaderboard_pending (seller_id, year, month, d_sold)
    values (old.seller_id,
            private.leaderboard_year(old.sold_at),
            private.leaderboard_month(old.sold_at), -1);
  end if;
  insert into private.leaderboard_pending (seller_id, year, month, d_views)
  select old.seller_id,
         private.leaderboard_year(v.viewed_at),
         private.leaderboard_month(v.viewed_at),
         -count(*)::integer
    -- FOR SHARE: waits for a concurrent delete/edit of one of these views, then sees the outcome.
    from (select pv.viewed_at from public.product_views pv where pv.product_id = old.id for share) v
   group by 2, 3;
  return old;
end;
$$;

create trigger leaderboard_products_inserted
  after insert on public.products
  referencing new table as new_products
  for each statement execute function private.leaderboard_products_inserted();

create trigger leaderboard_products_changed
  after update of status, sold_at, seller_id on public.products
  for each row
  when (old.sold_at is distinct from new.sold_at or old.seller_id is distinct from new.seller_id)
  execute function private.leaderboard_products_changed();

create trigger leaderboard_products_changed_apply
  after update of status, sold_at, seller_id on public.products
  for each statement execute function private.leaderboard_apply_pending();

create trigger leaderboard_products_deleting
  before delete on public.products
  for each row execute function private.leaderboard_products_deleting();

create trigger leaderboard_products_deleted_apply
  after delete on public.products
  for each statement execute function private.leaderboard_apply_pending();

-- ---------------------------------------------------------------------------------------------
-- product_views triggers
-- ---------------------------------------------------------------------------------------------
-- Insert (row level: the common insert is one view from record_product_view, and a row trigger costs far
-- less than a transition table): +1 for the product's seller, all-time then the month of viewed_at. The
-- foreign key check (an earlier trigger by name) has already taken FOR KEY SHARE on the product, so its
-- seller cannot change under us. Increments never wait ('probe'), so rows need no global order.
-- A transaction keeps count of the views it inserted; past 256 (bulk inserts: seed, imports) it stops
-- taking advisory locks, which would fill the shared lock table, and uses 'rows'.
create function private.leaderboard_view_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_seller uuid;
  v_year integer := private.leaderboard_year(new.viewed_at);
  v_month integer := private.leaderboard_month(new.viewed_at);
  v_count integer := coalesce(nullif(current_setting('leaderboard.views_inserted', true), ''), '0')::integer;
  v_now timestamptz;
  v_lock1 integer;
  v_all_done boolean := false;
  v_month_done boolean := false;
begin
  select p.seller_id into v_seller from public.products p where p.id = new.product_id;
  if v_count >= 256 then
    perform private.leaderboard_add_views(v_seller, 0, 0, 1, 'rows');
    perform private.leaderboard_add_views(v_seller, v_year, v_month, 1, 'rows');
    return null;
  end if;
  perform set_config('leaderboard.views_inserted', (v_count + 1)::text, true);
  -- The usual case, inlined ('probe' of leaderboard_add_views without its nested calls): slot 0 of the
  -- all-time key is free and its row exists, then the same for the month. Plain full-key updates: they use
  -- the primary key even before the table has statistics.
  v_lock1 := pg_catalog.uuid_hash(v_seller);
  v_now := clock_timestamp();
  if pg_catalog.pg_try_advisory_xact_lock(v_lock1, 0) then
    update public.seller_view_counts
       set total_views = total_views + 1, last_updated = v_now,
           changed_at = case when changed_at > v_now - interval '1 second' then changed_at else v_now end
     where seller_id = v_seller and year = 0 and month = 0 and slot = 0;
    v_all_done := found;
  end if;
  if not v_all_done then
    perform private.leaderboard_add_views(v_seller, 0, 0, 1, 'probe');
  end if;
  if pg_catalog.pg_try_advisory_xact_lock(v_lock1, (v_year * 13 + v_month) * 65) then
    update public.seller_view_counts
       set total_views = total_views + 1, last_updated = v_now,
           changed_at = case when changed_at > v_now - interval '1 second' then changed_at else v_now end
     where seller_id = v_seller and year = v_year and month = v_month and slot = 0;
    v_month_done := found;
  end if;
  if not v_month_done then
    perform private.leaderboard_add_views(v_seller, v_year, v_month, 1, 'probe');
  end if;
  return null;
end;
$$;

-- Delete: -1 for views whose product still exists (a deleted product's views were taken off by its own
-- delete trigger). No lock on products is needed (and taking one here could deadlock with a product delete
-- cascading to these very rows): a transaction that moves or deletes a product counts its views FOR SHARE,
-- so it waits for this delete and then sees it.
create function private.leaderboard_views_deleted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_apply(array(
    with m as (
      select p.seller_id,
             private.leaderboard_year(v.viewed_at) as year,
             private.leaderboard_month(v.viewed_at) as month
        from old_views v join public.products p on p.id = v.product_id
    ),
    keyed as (select seller_id, year, month from m union all select seller_id, 0, 0 from m)
    select row(seller_id, year, month, 0, -count(*)::integer)::private.leaderboard_delta from keyed
     group by seller_id, year, month order by seller_id, year, month));
  return null;
end;
$$;

-- Update (admin edits of viewed_at or product_id; clients cannot update views): move the counts.
create function private.leaderboard_views_updated() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_apply(array(
    with m as (
      select p.seller_id,
             private.leaderboard_year(v.viewed_at) as year,
             private.leaderboard_month(v.viewed_at) as month,
             -1 as d
        from old_views v join public.products p on p.id = v.product_id
      union all
      select p.seller_id,
             private.leaderboard_year(v.viewed_at),
             private.leaderboard_month(v.viewed_at),
             1
        from new_views v join public.products p on p.id = v.product_id
    ),
    keyed as (select seller_id, year, month, d from m union all select seller_id, 0, 0, d from m)
    select row(seller_id, year, month, 0, sum(d)::integer)::private.leaderboard_delta from keyed
     group by seller_id, year, month having sum(d) <> 0 order by seller_id, year, month));
  return null;
end;
$$;

create trigger leaderboard_views_inserted
  after insert on public.product_views
  for each row execute function private.leaderboard_view_inserted();

create trigger leaderboard_views_deleted
  after delete on public.product_views
  referencing old table as old_views
  for each statement execute function private.leaderboard_views_deleted();

create trigger leaderboard_views_updated
  after update on public.product_views
  referencing old table as old_views new table as new_views
  for each statement execute function private.leaderboard_views_updated();

revoke execute on all functions in schema private from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Recomputation from the source tables, drift and rebuild (service_role and admins only)
-- ---------------------------------------------------------------------------------------------
-- The figures the cache must hold, months and all-time (year 0, month 0), rows with something only.
create function private.leaderboard_recomputed()
  returns table (seller_id uuid, year integer, month integer, items_sold integer, total_views integer)
  language sql stable security definer set search_path = ''
as $$
  with monthly as (
    select p.seller_id,
           private.leaderboard_year(p.sold_at) as year,
           private.leaderboard_month(p.sold_at) as month,
           1 as sold, 0 as viewed
      from public.products p where p.sold_at is not null
    union all
    select p.seller_id,
           private.leaderboard_year(v.viewed_at),
           private.leaderboard_month(v.viewed_at),
           0, 1
      from public.product_views v join public.products p on p.id = v.product_id
  )
  select seller_id, year, month, sum(sold)::integer, sum(viewed)::integer
    from monthly group by grouping sets ((seller_id, year, month), (seller_id))
$$;
-- grouping sets give year/month null for the all-time rows: expose them as 0/0.
create function private.leaderboard_expected()
  returns table (seller_id uuid, year integer, month integer, items_sold integer, total_views integer)
  language sql stable security definer set search_path = ''
as $$
  select seller_id, coalesce(year, 0), coalesce(month, 0), items_sold, total_views
    from private.leaderboard_recomputed()
$$;
revoke execute on all functions in schema private from public, anon, authenticated, service_role;

create function public.seller_leaderboard_drift()
  returns table (seller_id uuid, year integer, month integer,
                 cached_items_sold integer, actual_items_sold integer,
                 cached_total_views integer, actual_total_views integer)
  language sql stable security definer set search_path = ''
as $$
  with cached as (
    select seller_id, year, month, sum(items_sold)::integer as items_sold, sum(total_views)::integer as total_views
      from (
        select seller_id, year, month, items_sold, 0 as total_views from public.seller_sales_counts
        union all
        select seller_id, year, month, 0, total_views from public.seller_view_counts
      ) c
     group by seller_id, year, month
  )
  select coalesce(c.seller_id, e.seller_id), coalesce(c.year, e.year), coalesce(c.month, e.month),
         coalesce(c.items_sold, 0), coalesce(e.items_sold, 0),
         coalesce(c.total_views, 0), coalesce(e.total_views, 0)
    from cached c
    full join private.leaderboard_expected() e
      on e.seller_id = c.seller_id and e.year = c.year and e.month = c.month
   where coalesce(c.items_sold, 0) <> coalesce(e.items_sold, 0)
      or coalesce(c.total_views, 0) <> coalesce(e.total_views, 0)
   order by 1, 2, 3
$$;
comment on function public.seller_leaderboard_drift() is
  'Every (seller, year, month) where the cache differs from a recomputation from products and product_views; year 0/month 0 is all-time. Empty when the cache is exact.';
revoke execute on function public.seller_leaderboard_drift() from public, anon, authenticated;
grant execute on function public.seller_leaderboard_drift() to service_role;

-- Recomputes one month (p_year, p_month) and the all-time rows, or everything (both null).
-- Takes an EXCLUSIVE lock on the cache tables: triggers wait, readers do not; each statement below sees
-- every transaction that committed before the lock was granted.
create function public.rebuild_seller_leaderboard_cache(p_year integer default null, p_month integer default null)
  returns void language plpgsql volatile security definer set search_path = ''
as $$
begin
  if (p_year is null) <> (p_month is null) then
    raise exception 'give both p_year and p_month, or neither to rebuild everything'
      using errcode = 'invalid_parameter_value';
  end if;
  if p_month is not null and (p_month not between 1 and 12 or p_year not between 1 and 9999) then
    raise exception 'p_month must be 1..12 and p_year 1..9999 (got %-%)', p_year, p_month
      using errcode = 'invalid_parameter_value';
  end if;

  lock table public.seller_sales_counts, public.seller_view_counts in exclusive mode;

  create temporary table leaderboard_rebuild on commit drop as
    select * from private.leaderboard_expected() e
     where p_year is null or (e.year = p_year and e.month = p_month) or (e.year = 0 and e.month = 0);

  delete from public.seller_sales_counts c
   where p_year is null or (c.year = p_year and c.month = p_month) or (c.year = 0 and c.month = 0);
  delete from public.seller_view_counts c
   where p_year is null or (c.year = p_year and c.month = p_month) or (c.year = 0 and c.month = 0);

  insert into public.seller_sales_counts (seller_id, year, month, items_sold)
  select r.seller_id, r.year, r.month, r.items_sold from pg_temp.leaderboard_rebuild r where r.items_sold > 0;
  insert into public.seller_view_counts (seller_id, year, month, slot, total_views, last_updated, changed_at)
  select r.seller_id, r.year, r.month, 0, r.total_views, t.now, t.now
    from pg_temp.leaderboard_rebuild r, (select clock_timestamp() as now) t where r.total_views > 0;

  drop table pg_temp.leaderboard_rebuild;
end;
$$;
comment on function public.rebuild_seller_leaderboard_cache(integer, integer) is
  'Recomputes the leaderboard cache from products and product_views: one month (and all-time), or everything when both arguments are null.';
revoke execute on function public.rebuild_seller_leaderboard_cache(integer, integer) from public, anon, authenticated;
grant execute on function public.rebuild_seller_leaderboard_cache(integer, integer) to service_role;

-- ---------------------------------------------------------------------------------------------
-- Reading (anyone). Security invoker: the cache is public data readable by the API roles (RLS select
-- policy `true`), users profiles are public too. Stable plpgsql: validation, then one query, one snapshot.
-- ---------------------------------------------------------------------------------------------
-- Resolves (period, year, month) to the storage key; year 0/month 0 = all-time.
create function private.leaderboard_period(p_period text, p_year integer, p_month integer, p_limit integer,
                                           out year integer, out month integer)
  language plpgsql stable set search_path = ''
as $$
declare
  v_now timestamp := now() at time zone public.leaderboard_time_zone();
begin
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'limit must be between 1 and 100 (got %)', coalesce(p_limit::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if p_period is null or p_period not in ('month', 'all') then
    raise exception 'period must be ''month'' or ''all'' (got %)', coalesce(quote_literal(p_period), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if p_month is not null and p_month not between 1 and 12 then
    raise exception 'month must be between 1 and 12 (got %)', p_month using errcode = 'invalid_parameter_value';
  end if;
  if p_year is not null and p_year not between 1 and 9999 then
    raise exception 'year must be between 1 and 9999 (got %)', p_year using errcode = 'invalid_parameter_value';
  end if;
  if p_period = 'all' then
    year := 0;
    month := 0;
  else
    year := coalesce(p_year, extract(year from v_now)::integer);
    month := coalesce(p_month, extract(month from v_now)::integer);
  end if;
end;
$$;
revoke execute on function private.leaderboard_period(text, integer, integer, integer) from public;
grant usage on schema private to anon, authenticated, service_role;
grant execute on function private.leaderboard_period(text, integer, integer, integer) to anon, authenticated, service_role;


-- Both read functions find a small exact candidate set through indexes, then look each candidate up by
-- primary key (lateral aggregates and scalar subqueries, so the plan never turns into a scan of the
-- period's rows or of users).
create function public.get_top_sellers_by_sales(
  p_period text default 'month', p_year integer default null, p_month integer default null, p_limit integer default 10)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer, last_updated timestamptz)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  k record;
begin
  k := private.leaderboard_period(p_period, p_year, p_month, p_limit);
  return query
  with top as (
    -- The p_limit-th best figure: every seller at or above it is a candidate (ties included), and no
    -- seller below it can be listed or change a listed seller's rank.
    select s.items_sold from public.seller_sales_counts s
     where s.year = k.year and s.month = k.month and s.items_sold > 0
     order by s.items_sold desc limit p_limit
  ),
  cutoff as (select case when count(*) < p_limit then 1 else min(top.items_sold) end as v from top),
  cand as materialized (
    select s.seller_id, s.items_sold, s.last_updated from public.seller_sales_counts s, cutoff
     where s.year = k.year and s.month = k.month and s.items_sold >= cutoff.v
  ),
  figures as materialized (
    select c.seller_id, c.items_sold, coalesce(w.total_views, 0) as total_views,
           greatest(c.last_updated, w.last_updated) as last_updated,
           (select u.display_name from public.users u where u.id = c.seller_id) as display_name,
           (select u.avatar_url from public.users u where u.id = c.seller_id) as avatar_url
      from cand c
      cross join lateral (
        select sum(v.total_views)::integer as total_views, max(v.last_updated) as last_updated
          from public.seller_view_counts v
         where v.seller_id = c.seller_id and v.year = k.year and v.month = k.month
      ) w
  )
  select (rank() over (order by f.items_sold desc))::integer, f.seller_id, f.display_name, f.avatar_url,
         f.items_sold, f.total_views, f.last_updated
    from figures f
   where f.display_name is not null
   order by f.items_sold desc, f.total_views desc, f.display_name, f.seller_id
   limit p_limit;
end;
$$;

create function public.get_top_sellers_by_views(
  p_period text default 'month', p_year integer default null, p_month integer default null, p_limit integer default 10)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer, last_updated timestamptz)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  k record;
begin
  k := private.leaderboard_period(p_period, p_year, p_month, p_limit);
  return query
  with top as (
    select v.rank_bucket from public.seller_view_counts v
     where v.year = k.year and v.month = k.month and v.slot = 0 and v.rank_bucket > 0
     order by v.rank_bucket desc limit p_limit
  ),
  cutoff as (select case when count(*) < p_limit then 1 else min(top.rank_bucket) end as b from top),
  -- Slots only add, so a seller without overflow slots has total = slot 0. A seller without overflow slots
  -- in a lower bucket than the cutoff has fewer views than each of at least p_limit candidates: the
  -- candidates hold the exact top p_limit, ties included, and every seller that outranks one of them.
  -- Their totals come from the candidate scan itself (slot 0), and from a sum over the slots of each of
  -- the few sellers with overflow slots.
  overflow as materialized (
    select distinct v.seller_id from public.seller_view_counts v
     where v.year = k.year and v.month = k.month and v.slot > 0
  ),
  totals as (
    select v.seller_id, v.total_views, v.last_updated from public.seller_view_counts v, cutoff
     where v.year = k.year and v.month = k.month and v.slot = 0 and v.rank_bucket >= cutoff.b
       and not exists (select from overflow o where o.seller_id = v.seller_id)
    union all
    select o.seller_id, w.total_views, w.last_updated
      from overflow o
      cross join lateral (
        select sum(v.total_views)::integer as total_views, max(v.last_updated) as last_updated
          from public.seller_view_counts v
         where v.seller_id = o.seller_id and v.year = k.year and v.month = k.month
      ) w
  ),
  -- The top p_limit with ties: everyone a listed seller could tie with or be outranked by.
  leaders as materialized (
    select t.* from (
      select t.*, rank() over (order by t.total_views desc) as r from totals t where t.total_views > 0
    ) t
     where t.r <= p_limit
  ),
  figures as materialized (
    select c.seller_id, c.total_views, coalesce(s.items_sold, 0) as items_sold,
           greatest(c.last_updated, s.last_updated) as last_updated,
           (select u.display_name from public.users u where u.id = c.seller_id) as display_name,
           (select u.avatar_url from public.users u where u.id = c.seller_id) as avatar_url
      from leaders c
      cross join lateral (
        select max(s.items_sold) as items_sold, max(s.last_updated) as last_updated
          from public.seller_sales_counts s
         where s.seller_id = c.seller_id and s.year = k.year and s.month = k.month
      ) s
  )
  select (rank() over (order by f.total_views desc))::integer, f.seller_id, f.display_name, f.avatar_url,
         f.items_sold, f.total_views, f.last_updated
    from figures f
   where f.display_name is not null
   order by f.total_views desc, f.items_sold desc, f.display_name, f.seller_id
   limit p_limit;
end;
$$;

-- The latest change of a period (what the live-update watcher polls): index lookups only. For views:
-- B = the latest changed_at, then the exact latest last_updated among the rows with changed_at in
-- (B - 1 s, B] (a row outside has last_updated < changed_at + 1 s <= B <= the answer).
-- last_updated is the writer's clock before it commits: a watcher that must not miss a transaction that
-- committed after a later-stamped one asks again from its previous answer minus the longest write.
create function public.get_leaderboard_last_updated(
  p_period text default 'month', p_year integer default null, p_month integer default null)
  returns timestamptz
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  k record;
  v_changed timestamptz;
begin
  k := private.leaderboard_period(p_period, p_year, p_month, 1);
  select max(v.changed_at) into v_changed from public.seller_view_counts v where v.year = k.year and v.month = k.month;
  return greatest(
    (select max(s.last_updated) from public.seller_sales_counts s where s.year = k.year and s.month = k.month),
    (select max(v.last_updated) from public.seller_view_counts v
      where v.year = k.year and v.month = k.month
        and v.changed_at > v_changed - interval '1 second' and v.changed_at <= v_changed));
end;
$$;

-- How many sellers have strictly more than p_views views in a period (a caller's rank is 1 + this), from
-- the indexes: slot-0 rows in a higher bucket (an index-only count), slot-0 rows in the same bucket with
-- more, and sellers with overflow slots whose slot 0 did not count but whose sum does.
create function public.leaderboard_views_ahead(p_year integer, p_month integer, p_views integer)
  returns integer
  language sql stable set search_path = ''
as $$
  select ((select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month and v.slot = 0
              and v.rank_bucket > public.leaderboard_rank_bucket(p_views))
        + (select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month and v.slot = 0
              and v.rank_bucket = public.leaderboard_rank_bucket(p_views) and v.total_views > p_views)
        + (select count(*) from (
             select distinct o.seller_id from public.seller_view_counts o
              where o.year = p_year and o.month = p_month and o.slot > 0) c
           cross join lateral (
             select sum(a.total_views) as total_views,
                    coalesce(sum(a.total_views) filter (where a.slot = 0), 0) as slot0
               from public.seller_view_counts a
              where a.seller_id = c.seller_id and a.year = p_year and a.month = p_month) w
           where w.total_views > p_views and w.slot0 <= p_views))::integer
$$;

revoke execute on function public.leaderboard_views_ahead(integer, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.leaderboard_views_ahead(integer, integer, integer) to anon, authenticated, service_role;
revoke execute on function public.get_top_sellers_by_sales(text, integer, integer, integer) from public, anon, authenticated, service_role;
revoke execute on function public.get_top_sellers_by_views(text, integer, integer, integer) from public, anon, authenticated, service_role;
revoke execute on function public.get_leaderboard_last_updated(text, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.get_top_sellers_by_sales(text, integer, integer, integer) to anon, authenticated, service_role;
grant execute on function public.get_top_sellers_by_views(text, integer, integer, integer) to anon, authenticated, service_role;
grant execute on function public.get_leaderboard_last_updated(text, integer, integer) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Recording a view
-- ---------------------------------------------------------------------------------------------
-- True when the view counted. The viewer is the JWT's user; p_session_id (an anonymous shopper's
-- viewer_session) is honoured only for privileged callers (service_role: the server), so nobody can mint
-- views with the public key: an anon caller without a user gets 42501. Views of a product that is not
-- active, and a seller's views of their own products, are accepted and answer false. A product the
-- caller may not see (or that does not exist) raises PT404.
create function public.record_product_view(p_product_id uuid, p_session_id uuid default null)
  returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_role text := current_setting('role', true);
  v_privileged constant boolean := coalesce(v_role, 'none') not in ('anon', 'authenticated');
  v_user uuid := auth.uid();
  v_session uuid := case when v_privileged then p_session_id end;
  v_product record;
  v_id bigint;
begin
  if p_product_id is null then
    raise exception 'product id is required' using errcode = 'invalid_parameter_value';
  end if;
  select p.seller_id, p.status into v_product from public.products p where p.id = p_product_id;
  if not found or (v_product.status = 'draft' and v_product.seller_id is distinct from v_user) then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_user is null and v_session is null then
    if v_privileged then
      raise exception 'a viewer is required: a signed-in user or p_session_id'
        using errcode = 'invalid_parameter_value';
    end if;
    raise exception 'anonymous views are recorded by the server' using errcode = 'insufficient_privilege';
  end if;
  if v_product.status <> 'active' or v_product.seller_id = v_user then
    return false;
  end if;
  insert into public.product_views (product_id, user_id, session_id)
  values (p_product_id, v_user, case when v_user is null then v_session end)
  on conflict (product_id, (coalesce(user_id, session_id)), view_month) do nothing
  returning id into v_id;
  return v_id is not null;
end;
$$;
revoke execute on function public.record_product_view(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.record_product_view(uuid, uuid) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- The signed-in seller's dashboard (security invoker: RLS shows the caller their own products and
-- messages; the cache is public).
-- ---------------------------------------------------------------------------------------------
create function public.get_seller_dashboard()
  returns table (active_listings integer, views_month integer, views_all_time integer, sold_month integer,
                 sold_all_time integer, earnings_total numeric, unread_messages integer,
                 rank_sales_month integer, rank_views_month integer)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := auth.uid();
  v_now timestamp := now() at time zone public.leaderboard_time_zone();
  v_year integer := extract(year from v_now)::integer;
  v_month integer := extract(month from v_now)::integer;
begin
  if v_user is null then
    raise exception 'sign in to see your dashboard' using errcode = 'insufficient_privilege';
  end if;
  return query
  with mine as (
    select
      coalesce((select sum(v.total_views) from public.seller_view_counts v
                 where v.seller_id = v_user and v.year = v_year and v.month = v_month), 0)::integer as views_month,
      coalesce((select sum(v.total_views) from public.seller_view_counts v
                 where v.seller_id = v_user and v.year = 0 and v.month = 0), 0)::integer as views_all,
      coalesce((select s.items_sold from public.seller_sales_counts s
                 where s.seller_id = v_user and s.year = v_year and s.month = v_month), 0) as sold_month,
      coalesce((select s.items_sold from public.seller_sales_counts s
                 where s.seller_id = v_user and s.year = 0 and s.month = 0), 0) as sold_all
  )
  select
    (select count(*) from public.products p where p.seller_id = v_user and p.status = 'active')::integer,
    mine.views_month, mine.views_all, mine.sold_month, mine.sold_all,
    (select coalesce(sum(p.price), 0) from public.products p where p.seller_id = v_user and p.status = 'sold'),
    (select count(*) from public.messages m where m.recipient_id = v_user and m.read_at is null)::integer,
    case when mine.sold_month > 0 then 1 + (
      select count(*) from public.seller_sales_counts s
       where s.year = v_year and s.month = v_month and s.items_sold > mine.sold_month)::integer end,
    case when mine.views_month > 0 then 1 + public.leaderboard_views_ahead(v_year, v_month, mine.views_month) end
  from mine;
end;
$$;
revoke execute on function public.get_seller_dashboard() from public, anon, authenticated, service_role;
grant execute on function public.get_seller_dashboard() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Backfill: old sales got sold_at = updated_at in 20260102000000; now count every past month.
-- ---------------------------------------------------------------------------------------------
select public.rebuild_seller_leaderboard_cache();
