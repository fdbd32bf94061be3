-- Every function the counters keep sets search_path (Supabase advisor lint 0011). PostgreSQL never inlines a
-- SQL function that has a SET clause, so where a helper ran per row it is written out instead:
--   * the rank bucket: its expression goes into the generated column seller_view_counts.rank_bucket (a
--     function call per counter write cost 0.48x -> 0.55x of ingest when it was last measured); the
--     function stays for the readers, which call it once per query;
--   * the month of a view and changed_at's rule in the writers that run for every view (the counted view's
--     trigger, the per-key view writer). The rules are the helpers' (leaderboard_year/month in the
--     leaderboard time zone; changed_at moves when it is a leaderboard_changed_at_step(), one second, old).
-- Called once per query (the readers) or once per product change (the rarer writers), the helpers stay calls.

alter function private.leaderboard_year(timestamptz) set search_path = '';
alter function private.leaderboard_month(timestamptz) set search_path = '';
alter function private.leaderboard_month_start(timestamptz) set search_path = '';
alter function private.leaderboard_changed_at(timestamptz, timestamptz) set search_path = '';
alter function private.leaderboard_changed_at_step() set search_path = '';
alter function private.leaderboard_sale_counts(timestamptz, numeric) set search_path = '';
alter function public.leaderboard_rank_bucket(integer) set search_path = '';

-- The column again, with the expression of public.leaderboard_rank_bucket written out (dropping it drops the
-- rank index, created again after).
alter table public.seller_view_counts drop column rank_bucket;
alter table public.seller_view_counts add column rank_bucket smallint not null generated always as (
  case
    when total_views < 128 then greatest(total_views, 0)
    else (floor(ln(total_views::double precision) / ln(2::double precision))::integer - 6) * 64
         + (total_views >> (floor(ln(total_views::double precision) / ln(2::double precision))::integer - 6))
  end::smallint) stored;
comment on column public.seller_view_counts.rank_bucket is
  'public.leaderboard_rank_bucket(total_views), written out: a coarse monotone rank key that rarely changes, so increments stay HOT.';
create index seller_view_counts_rank_idx on public.seller_view_counts (year, month, rank_bucket desc) include (seller_id);

create or replace function private.leaderboard_add_views(p_seller uuid, p_year integer, p_month integer, p_delta integer)
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
                  changed_at = case when c.changed_at > v_now - interval '1 second' then c.changed_at else v_now end;
  elsif p_delta < 0 then
    update public.seller_view_counts
       set total_views = greatest(total_views + p_delta, 0), last_updated = v_now,
           changed_at = case when changed_at > v_now - interval '1 second' then changed_at else v_now end
     where seller_id = p_seller and year = p_year and month = p_month;
  end if;
end;
$$;

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
   cross join lateral (values (extract(year from n.viewed_at at time zone public.leaderboard_time_zone())::integer,
                               extract(month from n.viewed_at at time zone public.leaderboard_time_zone())::integer),
                              (0, 0)) k(year, month)
   group by 1, 2, 3 order by 1, 2, 3
  on conflict (seller_id, year, month)
  do update set total_views = c.total_views + excluded.total_views, last_updated = v_now,
                changed_at = case when c.changed_at > v_now - interval '1 second' then c.changed_at else v_now end;
  return null;
end;
$$;

