-- The leaderboard's write path, rewritten as the simplest exact design: one counter row per key, added to in
-- the same transaction as the event, by statement triggers that fold a whole statement's rows at once.
-- Replaces the counter slots, the advisory-lock probing, the three locking modes, the overflow reads and
-- the pending queue of 20260103000100_leaderboard_write_path.sql (why: supabase/README.md), and adds the
-- per-product view counters that make a product's figure and trending cheap to read.
--
-- Counters (every one exact at commit):
--   seller_sales_counts   items_sold by (seller, year, month), all-time at year 0 / month 0 (unchanged)
--   seller_view_counts    total_views by (seller, year, month), all-time at 0 / 0: one row per key now
--   product_view_totals   a product's counted views (product_view_total reads it: O(1))
--   product_view_days     a product's counted views per UTC day and its latest view that day (trending)
--
-- Lock order, the one every writer follows: the product rows (the statement itself, or the foreign key
-- check of a view), then the product counters by (product, day), then the seller counters by (seller,
-- year, month), a key's sales row before its views row. Statement triggers with transition tables fold a
-- statement into one change per key, so a bulk insert updates each counter row once (a row updated again
-- and again in one transaction gets slower with every version), and a single view costs four upserts.

-- ---------------------------------------------------------------------------------------------
-- The old write path goes
-- ---------------------------------------------------------------------------------------------
drop trigger leaderboard_products_inserted on public.products;
drop trigger leaderboard_products_changed on public.products;
drop trigger leaderboard_products_changed_apply on public.products;
drop trigger leaderboard_products_deleting on public.products;
drop trigger leaderboard_products_deleted_apply on public.products;
drop trigger leaderboard_views_inserted on public.product_views;
drop trigger product_views_check_product on public.product_views;
drop trigger leaderboard_views_deleted on public.product_views;
drop trigger leaderboard_views_updated on public.product_views;
drop function private.leaderboard_products_inserted();
drop function private.leaderboard_products_changed();
drop function private.leaderboard_products_deleting();
drop function private.leaderboard_apply_pending();
drop function private.leaderboard_view_inserted();
drop function private.product_views_check_product();
drop function private.leaderboard_views_deleted();
drop function private.leaderboard_views_updated();
drop function private.leaderboard_apply_views(private.leaderboard_view_change[]);
drop function private.leaderboard_apply(private.leaderboard_delta[]);
drop function private.leaderboard_queue_sale(uuid, timestamptz, numeric, integer);
drop function private.leaderboard_queue_views(uuid, uuid, uuid);
drop function private.leaderboard_add_views(uuid, integer, integer, integer, text);
drop function private.leaderboard_claim_new_slot(integer, integer, smallint[]);
drop function private.leaderboard_lock_key(integer, integer);
drop function private.leaderboard_advisory_view_limit();
drop function private.leaderboard_advisory_key_limit();
drop function private.leaderboard_advisory_delete_limit();
drop table private.leaderboard_pending;

-- ---------------------------------------------------------------------------------------------
-- Storage: the view counter slots folded into one row per key
-- ---------------------------------------------------------------------------------------------
-- One statement folds every overflow slot into slot 0 (the old triggers are gone, so nothing writes the
-- counters meanwhile); changed_at is reset to last_updated, which keeps its rule.
with folded as (
  delete from public.seller_view_counts where slot > 0
  returning seller_id, year, month, total_views, last_updated
)
insert into public.seller_view_counts as c (seller_id, year, month, slot, total_views, last_updated, changed_at)
select seller_id, year, month, 0, sum(total_views), max(last_updated), max(last_updated)
  from folded group by seller_id, year, month
on conflict (seller_id, year, month, slot) do update
  set total_views = c.total_views + excluded.total_views,
      last_updated = greatest(c.last_updated, excluded.last_updated),
      changed_at = greatest(c.last_updated, excluded.last_updated);
-- Dropping the column drops the primary key, the slot indexes and the slot check with it.
alter table public.seller_view_counts drop column slot;
drop function public.leaderboard_overflow_slots();
create index seller_view_counts_rank_idx on public.seller_view_counts (year, month, rank_bucket desc) include (seller_id);
alter table public.seller_view_counts add primary key (seller_id, year, month); -- last: see 20260103000000
comment on table public.seller_view_counts is
  'Leaderboard cache (views): one row per seller and period, year 0 / month 0 all-time. Maintained only by triggers.';

-- Per-product counters. No foreign key to products: a product's delete trigger takes its figures off its
-- seller from these rows, then deletes them (a cascade would remove them first).
create table public.product_view_totals (
  product_id uuid primary key,
  views integer not null check (views >= 0)
) with (fillfactor = 70);
create table public.product_view_days (
  product_id uuid not null,
  day date not null,
  views integer not null check (views >= 0),
  -- The latest view counted that day (trending's tie-break); deleting views does not move it back.
  last_viewed_at timestamptz not null,
  primary key (product_id, day)
) with (fillfactor = 70);
-- Trending reads a window of days.
create index product_view_days_day_idx on public.product_view_days (day) include (product_id, views, last_viewed_at);
comment on table public.product_view_totals is 'Counted views per product (product_view_total). Maintained only by triggers.';
comment on table public.product_view_days is 'Counted views per product and UTC day (trending). Maintained only by triggers.';
-- Who viewed what stays private: only security definer functions read these.
alter table public.product_view_totals enable row level security;
alter table public.product_view_days enable row level security;
revoke all on table public.product_view_totals, public.product_view_days from public, anon, authenticated, service_role;

insert into public.product_view_totals (product_id, views)
select product_id, count(*) from public.product_views group by product_id;
insert into public.product_view_days (product_id, day, views, last_viewed_at)
select product_id, (viewed_at at time zone public.leaderboard_time_zone())::date, count(*), max(viewed_at)
  from public.product_views group by 1, 2;

-- ---------------------------------------------------------------------------------------------
-- Applying changes: per-key writers, then the one function that applies a set of changes in key order
-- ---------------------------------------------------------------------------------------------
-- private.leaderboard_add_sales(seller, year, month, delta) of 20260103000100 stays as it is: the per-key
-- sales writer. Its twin for views, one row per key (a decrement never below zero):
create function private.leaderboard_add_views(p_seller uuid, p_year integer, p_month integer, p_delta integer)
  returns void language plpgsql security definer set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
begin
  if p_delta > 0 then
    insert into public.seller_view_counts as c (seller_id, year, month, total_views, last_updated, changed_at)
    values (p_seller, p_year, p_month, p_delta, v_now, v_now)
    on conflict (seller_id, year, month)
    do update set total_views = c.total_views + excluded.total_views, last_updated = v_now,
                  changed_at = private.leaderboard_changed_at(c.changed_at, v_now);
  elsif p_delta < 0 then
    update public.seller_view_counts
       set total_views = greatest(total_views + p_delta, 0), last_updated = v_now,
           changed_at = private.leaderboard_changed_at(changed_at, v_now)
     where seller_id = p_seller and year = p_year and month = p_month;
  end if;
end;
$$;

-- Applies monthly changes to sellers: each month and the all-time row (the one place all-time is derived),
-- key by key in (seller, year, month) order, sales before views. Zero changes are skipped.
create function private.leaderboard_apply(p_changes private.leaderboard_delta[])
  returns void language plpgsql security definer set search_path = ''
as $$
declare
  r record;
begin
  for r in
    select c.seller_id, k.year, k.month, sum(c.d_sold)::integer as d_sold, sum(c.d_views)::integer as d_views
      from unnest(p_changes) c
     cross join lateral (values (c.year, c.month), (0, 0)) k(year, month)
     group by c.seller_id, k.year, k.month
    having sum(c.d_sold) <> 0 or sum(c.d_views) <> 0
     order by c.seller_id, k.year, k.month
  loop
    perform private.leaderboard_add_sales(r.seller_id, r.year, r.month, r.d_sold);
    perform private.leaderboard_add_views(r.seller_id, r.year, r.month, r.d_views);
  end loop;
end;
$$;

-- Counts view changes (+1 inserted, -1 deleted) of products that exist: the product's total and day first,
-- in (product, day) order, then its current seller's month. Views of a product that is gone count for
-- nobody (its delete trigger takes the product's figures off).
create function private.leaderboard_count_views(p_views private.leaderboard_view_change[])
  returns void language plpgsql security definer set search_path = ''
as $$
declare
  r record;
  v_sellers private.leaderboard_delta[];
begin
  for r in
    select v.product_id, (v.viewed_at at time zone public.leaderboard_time_zone())::date as day,
           sum(v.d)::integer as d, max(v.viewed_at) as last_at
      from unnest(p_views) v
     where exists (select from public.products p where p.id = v.product_id)
     group by 1, 2 having sum(v.d) <> 0 order by 1, 2
  loop
    if r.d > 0 then
      insert into public.product_view_totals as t (product_id, views) values (r.product_id, r.d)
      on conflict (product_id) do update set views = t.views + excluded.views;
      insert into public.product_view_days as t (product_id, day, views, last_viewed_at)
      values (r.product_id, r.day, r.d, r.last_at)
      on conflict (product_id, day)
      do update set views = t.views + excluded.views, last_viewed_at = greatest(t.last_viewed_at, excluded.last_viewed_at);
    else
      update public.product_view_totals set views = greatest(views + r.d, 0) where product_id = r.product_id;
      update public.product_view_days set views = greatest(views + r.d, 0)
       where product_id = r.product_id and day = r.day;
    end if;
  end loop;
  select array_agg(row(p.seller_id, private.leaderboard_year(v.viewed_at), private.leaderboard_month(v.viewed_at),
                       0, v.d)::private.leaderboard_delta)
    into v_sellers
    from unnest(p_views) v join public.products p on p.id = v.product_id;
  perform private.leaderboard_apply(v_sellers);
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Which sales count, in one place (a product's sale counts when it is sold at a price above 0): the
-- monthly sales changes of products leaving (p_sign -1) or entering (+1) the counted state.
-- ---------------------------------------------------------------------------------------------
create function private.leaderboard_product_sales(p_products public.products[], p_sign integer)
  returns setof private.leaderboard_delta language sql stable set search_path = ''
as $$
  select row(p.seller_id, private.leaderboard_year(p.sold_at), private.leaderboard_month(p.sold_at), p_sign, 0)::private.leaderboard_delta
    from unnest(p_products) p
   where private.leaderboard_sale_counts(p.sold_at, p.price)
$$;

-- A product's views by month, from its day counters, locked (a concurrent view insert or delete of the
-- product has committed, or waits for us): moved from one seller to another, or taken off on a delete.
create function private.leaderboard_product_views(p_products public.products[], p_sign integer)
  returns setof private.leaderboard_delta language sql volatile set search_path = ''
as $$
  select row(p.seller_id, private.leaderboard_year(d.day::timestamp at time zone public.leaderboard_time_zone()),
             private.leaderboard_month(d.day::timestamp at time zone public.leaderboard_time_zone()),
             0, p_sign * d.views)::private.leaderboard_delta
    from unnest(p_products) p
    join (select * from public.product_view_days x
           where x.product_id in (select u.id from unnest(p_products) u)
           order by x.product_id, x.day for no key update) d on d.product_id = p.id
$$;

-- ---------------------------------------------------------------------------------------------
-- products triggers (per statement)
-- ---------------------------------------------------------------------------------------------
-- Insert: products inserted already sold count at once (a new product has no views).
create function private.leaderboard_products_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_apply(array(
    select private.leaderboard_product_sales(array(select n::public.products from new_products n), 1)));
  return null;
end;
$$;

-- Update: the old sale leaves the month of the OLD sold_at and the new one enters the month of the new
-- sold_at; a product moved to another seller takes every month of its views with it.
create function private.leaderboard_products_updated() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_moved_old public.products[] := array(select o::public.products from old_products o
    join new_products n on n.id = o.id where n.seller_id <> o.seller_id order by o.id);
  v_moved_new public.products[] := array(select n::public.products from new_products n
    join old_products o on o.id = n.id where n.seller_id <> o.seller_id order by n.id);
begin
  perform private.leaderboard_apply(array(
    select private.leaderboard_product_sales(array(select o::public.products from old_products o), -1)
    union all select private.leaderboard_product_sales(array(select n::public.products from new_products n), 1)
    union all select private.leaderboard_product_views(v_moved_old, -1)
    union all select private.leaderboard_product_views(v_moved_new, 1)));
  return null;
end;
$$;

-- Delete: the product's sale and views leave its seller, and its counters go (its total first, then its
-- days, the order of the view triggers). Its views are deleted by the cascade before this runs; their own
-- trigger ignores them (the product is gone).
create function private.leaderboard_products_deleted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_old public.products[] := array(select o::public.products from old_products o order by o.id);
  v_ids uuid[] := array(select o.id from old_products o order by o.id);
begin
  delete from public.product_view_totals where product_id = any (v_ids);
  perform private.leaderboard_apply(array(
    select private.leaderboard_product_sales(v_old, -1)
    union all select private.leaderboard_product_views(v_old, -1)));
  delete from public.product_view_days where product_id = any (v_ids);
  return null;
end;
$$;

create trigger leaderboard_products_inserted after insert on public.products
  referencing new table as new_products
  for each statement execute function private.leaderboard_products_inserted();
create trigger leaderboard_products_updated after update on public.products
  referencing old table as old_products new table as new_products
  for each statement execute function private.leaderboard_products_updated();
create trigger leaderboard_products_deleted after delete on public.products
  referencing old table as old_products
  for each statement execute function private.leaderboard_products_deleted();

-- ---------------------------------------------------------------------------------------------
-- product_views triggers (per statement): inserted +1, deleted -1, an admin's update moves the count.
-- ---------------------------------------------------------------------------------------------
create function private.leaderboard_views_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_count_views(array(
    select row(v.product_id, v.viewed_at, 1)::private.leaderboard_view_change from new_views v));
  return null;
end;
$$;

create function private.leaderboard_views_deleted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_count_views(array(
    select row(v.product_id, v.viewed_at, -1)::private.leaderboard_view_change from old_views v));
  return null;
end;
$$;

create function private.leaderboard_views_updated() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_count_views(array(
    select row(v.product_id, v.viewed_at, -1)::private.leaderboard_view_change from old_views v
    union all
    select row(v.product_id, v.viewed_at, 1)::private.leaderboard_view_change from new_views v));
  return null;
end;
$$;

create trigger leaderboard_views_inserted after insert on public.product_views
  referencing new table as new_views
  for each statement execute function private.leaderboard_views_inserted();
create trigger leaderboard_views_deleted after delete on public.product_views
  referencing old table as old_views
  for each statement execute function private.leaderboard_views_deleted();
create trigger leaderboard_views_updated after update on public.product_views
  referencing old table as old_views new table as new_views
  for each statement execute function private.leaderboard_views_updated();
