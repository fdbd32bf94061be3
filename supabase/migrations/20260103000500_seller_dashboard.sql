-- The signed-in seller's dashboard: their listings, views, sales, earnings, unread messages and ranks,
-- in one call. Security invoker: RLS shows the caller their own products and messages; the counters are
-- public. Ranks come from the same counters and rules as the read API (leaderboard_views_ahead).

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
grant execute on function public.get_seller_dashboard() to authenticated;
