-- Leaderboard write path: how a sale or a view reaches the counters of 20260103000000_leaderboard_storage.sql
-- in the same transaction. The per-key writers (add_sales, add_views with its three locking modes), the
-- code that applies a statement's changes in key order, which sales count (sold at a price above 0), and
-- the triggers on products and product_views.
--
-- Locking: every trigger applies its changes key by key in (seller_id, year, month) order (all-time
-- first), per key the sales row before the view slots, view slots in slot order. Bulk statements (more
-- than leaderboard_advisory_key_limit() keys) and transactions past leaderboard_advisory_view_limit()
-- inserted views stop taking advisory locks (they would fill the shared lock table) and fall back to row
-- locks or a SHARE ROW EXCLUSIVE table lock.
-- Races with a product changing seller or being deleted: products gets a unique index on (id, seller_id),
-- which makes seller_id a key column, so moving a product takes the strongest row lock, which conflicts with
-- the FOR KEY SHARE lock of the product_views foreign key check (a new view waits, then sees the new
-- seller); and the mover/deleter counts the product's views FOR SHARE (it waits for a view being deleted or
-- edited, then counts without it). A view of a product being deleted fails at once instead of waiting
-- for the delete (private.product_views_check_product).
-- Nothing here sends NOTIFY; "what changed since" is get_leaderboard_last_updated(), index lookups.

-- ---------------------------------------------------------------------------------------------
-- Locking constants (immutable SQL: inlined as constants where they are used)
-- ---------------------------------------------------------------------------------------------
-- The second key of the transaction advisory lock of a seller's view counter slot 0 for (year, month);
-- slot n is this + n (the first key is uuid_hash(seller)). Periods are apart by one more than the
-- overflow slots, so no two (period, slot) pairs share a key.
create function private.leaderboard_lock_key(p_year integer, p_month integer) returns integer
  language sql immutable parallel safe
  return (p_year * 13 + p_month) * (public.leaderboard_overflow_slots() + 1);

-- How many views one transaction inserts under advisory locks; past it (bulk inserts: seed, imports) view
-- increments take row locks instead ('rows'), so a big transaction cannot fill the shared lock table.
create function private.leaderboard_advisory_view_limit() returns integer
  language sql immutable parallel safe
  return 256;

-- How many keys one statement applies under advisory locks; a statement with more (bulk deletes, moves,
-- imports) takes seller_view_counts in SHARE ROW EXCLUSIVE mode instead ('locked'). Unrelated to the view limit.
create function private.leaderboard_advisory_key_limit() returns integer
  language sql immutable parallel safe
  return 64;

-- How many product deletes one transaction announces with an advisory lock (so views of those products
-- fail fast, private.leaderboard_products_deleting); past it (a seller's account, bulk deletes) their views
-- just wait, so a big delete cannot fill the shared lock table. A limit of its own, unrelated to the two above.
create function private.leaderboard_advisory_delete_limit() returns integer
  language sql immutable parallel safe
  return 64;

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

-- A new overflow slot of a key whose slots are p_existing, with its advisory lock (uuid_hash(seller) =
-- p_lock1, leaderboard_lock_key(year, month) = p_lock2) taken: the free numbers are tried in an order spread
-- by backend, so concurrent newcomers rarely pick the same one. Null when every slot's lock is held.
create function private.leaderboard_claim_new_slot(p_lock1 integer, p_lock2 integer, p_existing smallint[])
  returns smallint language plpgsql volatile set search_path = ''
as $$
declare
  v_slot smallint;
begin
  for v_slot in
    select s.n from generate_series(1, public.leaderboard_overflow_slots()) s(n)
     where s.n <> all (p_existing) order by (s.n + pg_catalog.pg_backend_pid()) % public.leaderboard_overflow_slots()
  loop
    if pg_catalog.pg_try_advisory_xact_lock(p_lock1, p_lock2 + v_slot) then
      return v_slot;
    end if;
  end loop;
  return null;
end;
$$;

-- Adds p_delta (any sign) to a seller's views of one period (all-time: year 0, month 0).
--
-- Who may write a slot row: whoever holds the transaction advisory lock (uuid_hash(seller),
-- leaderboard_lock_key(year, month) + slot), or a statement that holds the table in SHARE ROW EXCLUSIVE mode
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
  v_lock2 integer := private.leaderboard_lock_key(p_year, p_month);
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
        -- Slot 0 is busy: an existing overflow slot nobody holds, else a new one.
        select coalesce(array_agg(c.slot order by c.slot), '{}') into v_existing from public.seller_view_counts c
         where c.seller_id = p_seller and c.year = p_year and c.month = p_month and c.slot > 0;
        foreach v_slot in array v_existing loop
          exit when pg_catalog.pg_try_advisory_xact_lock(v_lock1, v_lock2 + v_slot);
          v_slot := null;
        end loop;
        if v_slot is null then
          v_slot := private.leaderboard_claim_new_slot(v_lock1, v_lock2, v_existing);
        end if;
        if v_slot is null then
          -- Every slot is held at this very moment: wait for slot 0.
          perform pg_catalog.pg_advisory_xact_lock(v_lock1, v_lock2);
          v_slot := 0;
        end if;
      end if;
      update public.seller_view_counts
         set total_views = total_views + p_delta, last_updated = v_now,
             changed_at = private.leaderboard_changed_at(changed_at, v_now)
       where seller_id = p_seller and year = p_year and month = p_month and slot = v_slot;
      if found then
        return;
      end if;
      -- A new row (below). Another transaction can only have created it and committed (it held the lock we hold).
    elsif p_mode = 'rows' then
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
          -- A new overflow slot; with every slot taken, wait for slot 0.
          v_slot := coalesce(private.leaderboard_claim_new_slot(v_lock1, v_lock2, v_existing), 0);
        end if;
      end if;
    else
      v_slot := 0; -- 'locked'
    end if;
    insert into public.seller_view_counts as c (seller_id, year, month, slot, total_views, last_updated, changed_at)
    values (p_seller, p_year, p_month, v_slot, p_delta, v_now, v_now)
    on conflict (seller_id, year, month, slot)
    do update set total_views = c.total_views + excluded.total_views, last_updated = excluded.last_updated,
                  changed_at = private.leaderboard_changed_at(c.changed_at, excluded.last_updated);
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
               changed_at = private.leaderboard_changed_at(changed_at, v_now)
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
  if cardinality(p_changes) > private.leaderboard_advisory_key_limit() then
    lock table public.seller_view_counts in share row exclusive mode;
    v_mode := 'locked';
  end if;
  foreach r in array coalesce(p_changes, '{}') loop
    perform private.leaderboard_add_sales(r.seller_id, r.year, r.month, r.d_sold);
    perform private.leaderboard_add_views(r.seller_id, r.year, r.month, r.d_views, v_mode);
  end loop;
end;
$$;

-- Applies every pending product change of this transaction. `where true` for pg-safeupdate (Supabase
-- refuses a DELETE without WHERE, in functions too): the queue only ever holds this transaction's rows.
create function private.leaderboard_apply_pending() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_changes private.leaderboard_delta[];
begin
  with drained as (delete from private.leaderboard_pending where true returning *),
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
-- Which sales count: a product sold (sold_at set) at a price above 0; free items never count, so a price
-- change of a sold product from or to 0 moves the count (the cache stays a pure function of the rows).
-- The one copy of the rule (the recomputation of 20260103000300 uses it too). Immutable SQL: inlined.
create function private.leaderboard_sale_counts(p_sold_at timestamptz, p_price numeric) returns boolean
  language sql immutable parallel safe
  return p_sold_at is not null and p_price > 0;

-- Queues a product's sale, when it counts, for p_seller in the month of p_sold_at (p_sign +1 or -1).
create function private.leaderboard_queue_sale(p_seller uuid, p_sold_at timestamptz, p_price numeric, p_sign integer)
  returns void language sql set search_path = ''
as $$
  insert into private.leaderboard_pending (seller_id, year, month, d_sold)
  select p_seller, private.leaderboard_year(p_sold_at), private.leaderboard_month(p_sold_at), p_sign
   where private.leaderboard_sale_counts(p_sold_at, p_price)
$$;

-- Queues a product's views, month by month, taken from seller p_from and given to seller p_to (either may
-- be null: a delete only takes).
create function private.leaderboard_queue_views(p_product uuid, p_from uuid, p_to uuid)
  returns void language sql set search_path = ''
as $$
  insert into private.leaderboard_pending (seller_id, year, month, d_views)
  select s.seller_id, m.year, m.month, s.sign * m.n
    from (
      select private.leaderboard_year(v.viewed_at) as year,
             private.leaderboard_month(v.viewed_at) as month,
             count(*)::integer as n
        -- FOR SHARE: waits for a concurrent delete/edit of one of these views, then sees the outcome.
        from (select pv.viewed_at from public.product_views pv where pv.product_id = p_product for share) v
       group by 1, 2
    ) m
    cross join (values (p_from, -1), (p_to, 1)) s(seller_id, sign)
   where s.seller_id is not null
$$;

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
        from new_products where private.leaderboard_sale_counts(sold_at, price)
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

-- Update of status / sold_at / seller_id / price (row level, so the trigger can name its columns): the old sale
-- leaves the month of the OLD sold_at, the new one enters the month of the new sold_at; a product moved
-- to another seller takes every month of its views with it.
create function private.leaderboard_products_changed() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_queue_sale(old.seller_id, old.sold_at, old.price, -1);
  perform private.leaderboard_queue_sale(new.seller_id, new.sold_at, new.price, 1);
  if new.seller_id <> old.seller_id then
    perform private.leaderboard_queue_views(new.id, old.seller_id, new.seller_id);
  end if;
  return null;
end;
$$;

-- Delete (runs BEFORE the row goes, while its views still exist; the cascade to product_views is then
-- ignored by the view trigger because the product is gone).
-- Views of a product being deleted fail fast: a view insert's foreign key check would wait for the
-- product's row lock until the delete commits (measured: 30-50 ms per view, then the foreign key error
-- anyway, and a mixed workload at a fifth of its rate). So the delete holds a transaction advisory lock
-- (uuid_hash(product), -1) (second key -1: counter slot locks use keys >= 0), which
-- private.product_views_check_product probes without waiting. Moving a product to another seller takes
-- no such lock: its views still wait and count for the new seller.
create function private.leaderboard_products_deleting() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_count integer := coalesce(nullif(current_setting('leaderboard.products_deleting', true), ''), '0')::integer;
begin
  -- Bulk deletes stop announcing past leaderboard_advisory_delete_limit(): locks live in a shared table.
  if v_count < private.leaderboard_advisory_delete_limit() then
    perform set_config('leaderboard.products_deleting', (v_count + 1)::text, true);
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.uuid_hash(old.id), -1);
  end if;
  perform private.leaderboard_queue_sale(old.seller_id, old.sold_at, old.price, -1);
  perform private.leaderboard_queue_views(old.id, old.seller_id, null);
  return old;
end;
$$;

create trigger leaderboard_products_inserted
  after insert on public.products
  referencing new table as new_products
  for each statement execute function private.leaderboard_products_inserted();

create trigger leaderboard_products_changed
  after update of status, sold_at, seller_id, price on public.products
  for each row
  when (old.sold_at is distinct from new.sold_at or old.seller_id is distinct from new.seller_id
        or (old.price > 0) is distinct from (new.price > 0))
  execute function private.leaderboard_products_changed();

create trigger leaderboard_products_changed_apply
  after update of status, sold_at, seller_id, price on public.products
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
-- A transaction keeps count of the views it inserted; past leaderboard_advisory_view_limit() (bulk inserts:
-- seed, imports) it stops taking advisory locks, which would fill the shared lock table, and uses 'rows'.
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
  if v_seller is null then
    -- The product is gone (its foreign key check did not run first: triggers disabled for an import, or
    -- a replica session): fail now, as the foreign key would, before taking any counter lock or probing
    -- the counter slots of a null seller.
    raise exception 'product % does not exist', new.product_id
      using errcode = 'foreign_key_violation', constraint = 'product_views_product_id_fkey';
  end if;
  if v_count >= private.leaderboard_advisory_view_limit() then
    perform private.leaderboard_add_views(v_seller, 0, 0, 1, 'rows');
    perform private.leaderboard_add_views(v_seller, v_year, v_month, 1, 'rows');
    return null;
  end if;
  perform set_config('leaderboard.views_inserted', (v_count + 1)::text, true);
  -- The usual case, inlined for speed (the first step of leaderboard_add_views' 'probe', same lock key and
  -- changed_at rule, without a nested call): slot 0 of the all-time key is free and its row exists, then the
  -- same for the month. Plain full-key updates: they use the primary key even before the table has statistics.
  v_lock1 := pg_catalog.uuid_hash(v_seller);
  v_now := clock_timestamp();
  if pg_catalog.pg_try_advisory_xact_lock(v_lock1, private.leaderboard_lock_key(0, 0)) then
    update public.seller_view_counts
       set total_views = total_views + 1, last_updated = v_now,
           changed_at = private.leaderboard_changed_at(changed_at, v_now)
     where seller_id = v_seller and year = 0 and month = 0 and slot = 0;
    v_all_done := found;
  end if;
  if not v_all_done then
    perform private.leaderboard_add_views(v_seller, 0, 0, 1, 'probe');
  end if;
  if pg_catalog.pg_try_advisory_xact_lock(v_lock1, private.leaderboard_lock_key(v_year, v_month)) then
    update public.seller_view_counts
       set total_views = total_views + 1, last_updated = v_now,
           changed_at = private.leaderboard_changed_at(changed_at, v_now)
     where seller_id = v_seller and year = v_year and month = v_month and slot = 0;
    v_month_done := found;
  end if;
  if not v_month_done then
    perform private.leaderboard_add_views(v_seller, v_year, v_month, 1, 'probe');
  end if;
  return null;
end;
$$;

-- One change of product_views to count: +1 or -1 for a view of a product at a time.
create type private.leaderboard_view_change as (product_id uuid, viewed_at timestamptz, d integer);

-- Applies view changes to the counters of each product's current seller, all-time and the month, in key
-- order. Views whose product is gone count for nobody (the product's delete trigger took them off).
create function private.leaderboard_apply_views(p_views private.leaderboard_view_change[])
  returns void language plpgsql set search_path = ''
as $$
begin
  perform private.leaderboard_apply(array(
    with m as (
      select p.seller_id,
             private.leaderboard_year(v.viewed_at) as year,
             private.leaderboard_month(v.viewed_at) as month,
             v.d
        from unnest(p_views) v join public.products p on p.id = v.product_id
    ),
    keyed as (select seller_id, year, month, d from m union all select seller_id, 0, 0, d from m)
    select row(seller_id, year, month, 0, sum(d)::integer)::private.leaderboard_delta from keyed
     group by seller_id, year, month having sum(d) <> 0 order by seller_id, year, month));
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
  perform private.leaderboard_apply_views(array(
    select row(v.product_id, v.viewed_at, -1)::private.leaderboard_view_change from old_views v));
  return null;
end;
$$;

-- Update (admin edits of viewed_at or product_id; clients cannot update views): move the counts.
create function private.leaderboard_views_updated() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_apply_views(array(
    select row(v.product_id, v.viewed_at, -1)::private.leaderboard_view_change from old_views v
    union all
    select row(v.product_id, v.viewed_at, 1)::private.leaderboard_view_change from new_views v));
  return null;
end;
$$;

create trigger leaderboard_views_inserted
  after insert on public.product_views
  for each row execute function private.leaderboard_view_inserted();

-- Before a view is inserted: refuse it at once, with the foreign key's error (23503), when its product is
-- being deleted (the advisory lock of leaderboard_products_deleting), as it would fail after the wait. If
-- that delete then rolls back, the view was refused all the same, like any view that races a delete.
create function private.product_views_check_product() returns trigger
  language plpgsql set search_path = ''
as $$
declare
  v_key integer := pg_catalog.uuid_hash(new.product_id);
begin
  -- A probe, not a hold (session lock released at once): a view never blocks a delete, nor the reverse.
  if pg_catalog.pg_try_advisory_lock_shared(v_key, -1) then
    perform pg_catalog.pg_advisory_unlock_shared(v_key, -1);
    return new;
  end if;
  raise exception 'product % is being deleted', new.product_id
    using errcode = 'foreign_key_violation', constraint = 'product_views_product_id_fkey';
end;
$$;

create trigger product_views_check_product
  before insert on public.product_views
  for each row execute function private.product_views_check_product();

create trigger leaderboard_views_deleted
  after delete on public.product_views
  referencing old table as old_views
  for each statement execute function private.leaderboard_views_deleted();

create trigger leaderboard_views_updated
  after update on public.product_views
  referencing old table as old_views new table as new_views
  for each statement execute function private.leaderboard_views_updated();

