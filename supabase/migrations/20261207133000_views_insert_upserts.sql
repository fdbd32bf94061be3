-- The leaderboard writer of 20261207131000_leaderboard_one_writer.sql, fixed forward after measuring it
-- (npm run bench, ingest at 8 connections, against the seed plan's design):
--   * a counted view (the hot path) no longer goes through private.leaderboard_count_views' per-key loop:
--     its insert trigger runs three upserts over the statement's rows (about 0.35x -> 0.5-0.6x of the seed
--     design). Inserts only add, so each upsert takes its rows in key order, in the writers' lock order
--     (product totals, product days, sellers). The rule is the same as private.leaderboard_count_views',
--     which still counts deletes and an admin's updates of views;
--   * private.leaderboard_apply skips the per-key writer of a metric whose change is zero;
--   * the day index holds only columns that never change, so a day counter's increment stays a HOT update
--     (with views and last_viewed_at in it, every view added two index entries).

drop index public.product_view_days_day_idx;
-- Trending reads a window of days.
create index product_view_days_day_idx on public.product_view_days (day) include (product_id);

-- Applies monthly changes to sellers: each month and the all-time row (the one place all-time is derived),
-- key by key in (seller, year, month) order, sales before views. Zero changes are skipped.
create or replace function private.leaderboard_apply(p_changes private.leaderboard_delta[])
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
    if r.d_sold <> 0 then
      perform private.leaderboard_add_sales(r.seller_id, r.year, r.month, r.d_sold);
    end if;
    if r.d_views <> 0 then
      perform private.leaderboard_add_views(r.seller_id, r.year, r.month, r.d_views);
    end if;
  end loop;
end;
$$;

-- Insert, the hot path (every counted view). The product's row is locked by the foreign key check (FOR KEY
-- SHARE): it cannot move to another seller or go before we commit.
create or replace function private.leaderboard_views_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
begin
  insert into public.product_view_totals as t (product_id, views)
  select n.product_id, count(*) from new_views n join public.products p on p.id = n.product_id
   group by n.product_id order by n.product_id
  on conflict (product_id) do update set views = t.views + excluded.views;

  insert into public.product_view_days as t (product_id, day, views, last_viewed_at)
  select n.product_id, (n.viewed_at at time zone public.leaderboard_time_zone())::date, count(*), max(n.viewed_at)
    from new_views n join public.products p on p.id = n.product_id
   group by 1, 2 order by 1, 2
  on conflict (product_id, day)
  do update set views = t.views + excluded.views, last_viewed_at = greatest(t.last_viewed_at, excluded.last_viewed_at);

  insert into public.seller_view_counts as c (seller_id, year, month, total_views, last_updated, changed_at)
  select p.seller_id, k.year, k.month, count(*), v_now, v_now
    from new_views n join public.products p on p.id = n.product_id
   cross join lateral (values (private.leaderboard_year(n.viewed_at), private.leaderboard_month(n.viewed_at)), (0, 0)) k(year, month)
   group by 1, 2, 3 order by 1, 2, 3
  on conflict (seller_id, year, month)
  do update set total_views = c.total_views + excluded.total_views, last_updated = v_now,
                changed_at = private.leaderboard_changed_at(c.changed_at, v_now);
  return null;
end;
$$;

