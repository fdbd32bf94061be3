-- What GET /api/leaderboard needs beside the top N: the period it resolved ("current month" by the
-- database's clock, in the leaderboard time zone), the latest change in that period, and the caller's
-- own standing, even outside the top N. One stable function: one snapshot, all index lookups.

create function public.get_leaderboard_summary(
  p_metric text default 'sales', p_period text default 'month', p_year integer default null, p_month integer default null)
  returns table (year integer, month integer, updated_at timestamptz,
                 my_rank integer, my_items_sold integer, my_total_views integer)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  k record;
  v_me uuid := auth.uid();
  v_sold integer;
  v_views integer;
  v_mine integer;
  v_ahead integer;
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
    -- Ties share a rank: mine is 1 + the number of sellers strictly ahead. A 0 is not ranked.
    if v_mine > 0 then
      if p_metric = 'sales' then
        select count(*)::integer into v_ahead from public.seller_sales_counts s
         where s.year = k.year and s.month = k.month and s.items_sold > v_mine;
      else
        -- A seller's views are the sum of their slots: public.leaderboard_views_ahead counts them exactly.
        v_ahead := public.leaderboard_views_ahead(k.year, k.month, v_mine);
      end if;
    end if;
  end if;

  return query select
    case when p_period = 'all' then null else k.year end,
    case when p_period = 'all' then null else k.month end,
    public.get_leaderboard_last_updated(p_period, nullif(k.year, 0), nullif(k.month, 0)),
    case when v_mine > 0 then v_ahead + 1 end,
    v_sold,
    v_views;
end;
$$;

revoke execute on function public.get_leaderboard_summary(text, text, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.get_leaderboard_summary(text, text, integer, integer) to anon, authenticated, service_role;
