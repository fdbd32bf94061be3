-- The signed-in seller's dashboard: their listings, views, sales, earnings, unread messages and ranks,
-- in one call (get_seller_dashboard), their sales and views per month, and their most viewed products.
-- None takes a user id: the caller is auth.uid(). Security invoker, except where a function counts
-- product_views (which no API role may read: it holds who viewed what): `security definer` with
-- `search_path = ''`, showing only counts. Errors: PT401 signed out, 22023 bad parameter.

-- get_seller_dashboard: RLS shows the caller their own products and messages; the counters are public.
-- Ranks come from the same counters and rules as the read API (leaderboard_views_ahead, exclusions); an
-- excluded seller has no rank.

create function public.get_seller_dashboard()
  returns table (active_listings integer, views_month integer, views_all_time integer, sold_month integer,
                 sold_all_time integer, earnings_total numeric, unread_messages integer,
                 rank_sales_month integer, rank_views_month integer)
  language plpgsql stable set search_path = '' set jit = off
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
    case when v_ranked and mine.sold_month > 0 then 1 + (
      select count(*) from public.seller_sales_counts s
       where s.year = v_year and s.month = v_month and s.items_sold > mine.sold_month
         and not exists (select from private.excluded_sellers x where x.seller_id = s.seller_id))::integer end,
    case when v_ranked and mine.views_month > 0 then 1 + public.leaderboard_views_ahead(v_year, v_month, mine.views_month) end
  from mine;
end;
$$;
grant execute on function public.get_seller_dashboard() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- get_seller_monthly_stats: the caller's sales and views per UTC month, the last p_months months
-- (the current one last), months without activity included as zeros. Read from the leaderboard
-- cache (a seller's views are the sum of their counter slots), so it agrees with the boards.
-- ---------------------------------------------------------------------------------------------
create function public.get_seller_monthly_stats(p_months integer default 12)
  returns table (year integer, month integer, items_sold integer, total_views integer)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := private.signed_in_user('see your dashboard');
  v_first constant date := private.leaderboard_month_start(now());
begin
  perform private.check_between('p_months', p_months, 1, 120);
  return query
  select extract(year from m.d)::integer, extract(month from m.d)::integer,
         coalesce((select s.items_sold from public.seller_sales_counts s
                    where s.seller_id = v_user and s.year = extract(year from m.d)::integer
                      and s.month = extract(month from m.d)::integer), 0)::integer,
         coalesce((select sum(v.total_views) from public.seller_view_counts v
                    where v.seller_id = v_user and v.year = extract(year from m.d)::integer
                      and v.month = extract(month from m.d)::integer), 0)::integer
    from generate_series(v_first - make_interval(months => p_months - 1), v_first, interval '1 month') as m (d)
   order by m.d;
end;
$$;
grant execute on function public.get_seller_monthly_stats(integer) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- get_my_top_products: the caller's products with the most counted views this UTC month (only those
-- with at least one), then all-time views. Security definer to count product_views; the caller's own
-- products only (seller_id = auth.uid()).
-- ---------------------------------------------------------------------------------------------
create function public.get_my_top_products(p_limit integer default 5)
  returns table (id uuid, title text, status text, price numeric, views_month integer, views_all_time integer)
  language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := private.signed_in_user('see your products');
  v_month constant date := private.leaderboard_month_start(now());
begin
  perform private.check_between('p_limit', p_limit, 1, 50);
  return query
  select p.id, p.title, p.status, p.price, c.views_month, c.views_all_time
    from public.products p
    cross join lateral (
      select (count(*) filter (where v.view_month = v_month))::integer as views_month,
             count(*)::integer as views_all_time
        from public.product_views v where v.product_id = p.id
    ) c
   where p.seller_id = v_user and c.views_month > 0
   order by c.views_month desc, c.views_all_time desc, p.title, p.id
   limit p_limit;
end;
$$;
grant execute on function public.get_my_top_products(integer) to authenticated;
