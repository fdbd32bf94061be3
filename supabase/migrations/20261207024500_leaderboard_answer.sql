-- GET /api/leaderboard in one round trip. The route made three calls (get_leaderboard_summary, then
-- get_top_sellers_by_* and get_leaderboard_first_month side by side): two round trips, three pooled
-- connections and three sets of session settings per request, which kept the route under half the rate of
-- a trivial route (npm run bench, "http"). get_leaderboard answers the same figures from the same
-- functions in one call and one snapshot (stable: every statement inside sees the same data, and the
-- current month is resolved once, by the summary). The functions it calls stay the API (DESIGN.md); this
-- one only puts them together.
--
-- One row per listed seller, in board order (ord), each carrying the period, the summary and the first
-- month; one row with null seller columns when nobody is listed, so the summary always comes back.
create function public.get_leaderboard(
  p_metric text default 'sales', p_period text default 'month', p_year integer default null,
  p_month integer default null, p_limit integer default 10)
  returns table (year integer, month integer, updated_at timestamptz,
                 my_rank integer, my_items_sold integer, my_total_views integer,
                 first_year integer, first_month integer,
                 ord integer, rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer)
  language plpgsql stable set search_path = '' set jit = off
as $$
#variable_conflict use_column
declare
  s record;
  f record;
begin
  select * into s from public.get_leaderboard_summary(p_metric, p_period, p_year, p_month);
  select * into f from public.get_leaderboard_first_month();
  return query
  select s.year, s.month, s.updated_at, s.my_rank, s.my_items_sold, s.my_total_views, f.year, f.month,
         t.ord::integer, t.rank, t.seller_id, t.display_name, t.avatar_url, t.items_sold, t.total_views
    from (values (1)) one (n)
    left join lateral (
      select b.* from public.get_top_sellers_by_sales(p_period, s.year, s.month, p_limit)
        with ordinality b (rank, seller_id, display_name, avatar_url, items_sold, total_views, last_updated, ord)
       where p_metric = 'sales'
      union all
      select b.* from public.get_top_sellers_by_views(p_period, s.year, s.month, p_limit)
        with ordinality b (rank, seller_id, display_name, avatar_url, items_sold, total_views, last_updated, ord)
       where p_metric = 'views'
    ) t on true
   order by t.ord;
end;
$$;
grant execute on function public.get_leaderboard(text, text, integer, integer, integer) to anon, authenticated, service_role;
