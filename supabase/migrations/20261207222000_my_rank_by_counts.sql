-- "Your rank" on the leaderboard modal (get_leaderboard_summary, inside get_leaderboard) and on the
-- dashboard (get_seller_dashboard) from the rank counts, like every other rank since
-- 20261207210000_leaderboard_rank_counts.sql. Their sales rank still counted the sellers ahead one index
-- entry at a time, so its cost grew with the rank: near rank 50,000 of an all-time board of 100,000
-- sellers that count took 6.7 ms at p50 on every modal open, the rank counts' lookup 0.34 ms. Both
-- metrics now take private.leaderboard_rank_of, whose cost does not depend on the rank, and
-- public.leaderboard_views_ahead (their views rank, nobody else's) goes. Same signatures and answers:
-- 1 + the non-excluded sellers strictly ahead; no rank for 0 or an excluded seller.

create or replace function public.get_leaderboard_summary(
  p_metric text default 'sales', p_period text default 'month', p_year integer default null, p_month integer default null)
  returns table (year integer, month integer, updated_at timestamptz,
                 my_rank integer, my_items_sold integer, my_total_views integer)
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  k record;
  v_me uuid := auth.uid();
  v_sold integer;
  v_views integer;
  v_mine integer;
begin
  if p_metric is null or p_metric not in ('sales', 'views') then
    raise exception 'metric must be ''sales'' or ''views'' (got %)', coalesce(quote_literal(p_metric), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  k := private.leaderboard_period(p_period, p_year, p_month, 1);

  if v_me is not null then
    select coalesce(sum(s.items_sold), 0)::integer into v_sold
      from public.seller_sales_counts s where s.seller_id = v_me and s.year = k.year and s.month = k.month;
    select coalesce(sum(v.total_views), 0)::integer into v_views
      from public.seller_view_counts v where v.seller_id = v_me and v.year = k.year and v.month = k.month;
    v_mine := case when p_metric = 'sales' then v_sold else v_views end;
    -- An excluded seller sees their own figures but no rank.
    if exists (select from private.excluded_sellers x where x.seller_id = v_me) then
      v_mine := null;
    end if;
  end if;

  return query select
    case when p_period = 'all' then null else k.year end,
    case when p_period = 'all' then null else k.month end,
    public.get_leaderboard_last_updated(p_period, nullif(k.year, 0), nullif(k.month, 0)),
    case when v_mine > 0 then 1 + (private.leaderboard_rank_of(p_metric, k.year, k.month, v_mine)).ahead end,
    v_sold,
    v_views;
end;
$$;

create or replace function public.get_seller_dashboard()
  returns table (active_listings integer, views_month integer, views_all_time integer, sold_month integer,
                 sold_all_time integer, earnings_total numeric, unread_messages integer,
                 rank_sales_month integer, rank_views_month integer)
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_user uuid := auth.uid();
  v_year integer := private.leaderboard_year(now());
  v_month integer := private.leaderboard_month(now());
  v_ranked boolean := not exists (select from private.excluded_sellers x where x.seller_id = auth.uid());
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
    case when v_ranked and mine.sold_month > 0
         then 1 + (private.leaderboard_rank_of('sales', v_year, v_month, mine.sold_month)).ahead end,
    case when v_ranked and mine.views_month > 0
         then 1 + (private.leaderboard_rank_of('views', v_year, v_month, mine.views_month)).ahead end
  from mine;
end;
$$;

drop function public.leaderboard_views_ahead(integer, integer, integer);
