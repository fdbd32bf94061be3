-- The readers of the counters, fixed forward for 20261207131000_leaderboard_one_writer.sql: a seller's views
-- are one row per key now (no overflow slots to add), and a product's figure and trending read the
-- per-product counters instead of counting product_views. Same signatures, same answers.

-- ---------------------------------------------------------------------------------------------
-- Top sellers by views: the candidates are every seller in a bucket at or above the p_limit-th seller's
-- (rank_bucket is monotone in total_views), with their exact figures from the same rows.
-- ---------------------------------------------------------------------------------------------
create or replace function public.get_top_sellers_by_views(
  p_period text default 'month', p_year integer default null, p_month integer default null, p_limit integer default 10)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer, last_updated timestamptz)
  language plpgsql stable set search_path = '' set jit = off
as $$
#variable_conflict use_column
declare
  k record;
begin
  k := private.leaderboard_period(p_period, p_year, p_month, p_limit);
  return query
  with top as (
    select v.rank_bucket from public.seller_view_counts v
     where v.year = k.year and v.month = k.month and v.rank_bucket > 0
       and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
     order by v.rank_bucket desc limit p_limit
  ),
  cutoff as (select case when count(*) < p_limit then 1 else min(top.rank_bucket) end as b from top),
  -- A seller in a lower bucket than the cutoff has fewer views than each of at least p_limit candidates.
  totals as (
    select v.seller_id, v.total_views, v.last_updated from public.seller_view_counts v, cutoff
     where v.year = k.year and v.month = k.month and v.rank_bucket >= cutoff.b
       and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
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

-- How many sellers have strictly more than p_views views in a period (a caller's rank is 1 + this): rows in
-- a higher bucket (an index-only count), and rows in the same bucket with more.
create or replace function public.leaderboard_views_ahead(p_year integer, p_month integer, p_views integer)
  returns integer
  language sql stable set search_path = '' set jit = off
as $$
  select ((select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month
              and v.rank_bucket > public.leaderboard_rank_bucket(p_views)
              and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id))
        + (select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month
              and v.rank_bucket = public.leaderboard_rank_bucket(p_views) and v.total_views > p_views
              and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)))::integer
$$;

-- ---------------------------------------------------------------------------------------------
-- Rebuild: one row per key; rebuilding everything recomputes the per-product counters too.
-- ---------------------------------------------------------------------------------------------
create or replace function public.rebuild_seller_leaderboard_cache(p_year integer default null, p_month integer default null)
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
  insert into public.seller_view_counts (seller_id, year, month, total_views, last_updated, changed_at)
  select r.seller_id, r.year, r.month, r.total_views, t.now, t.now
    from pg_temp.leaderboard_rebuild r, (select clock_timestamp() as now) t where r.total_views > 0;

  drop table pg_temp.leaderboard_rebuild;

  if p_year is null then
    lock table public.product_view_totals, public.product_view_days in exclusive mode;
    delete from public.product_view_totals where true;
    delete from public.product_view_days where true;
    insert into public.product_view_totals (product_id, views)
    select v.product_id, count(*) from public.product_views v group by v.product_id;
    insert into public.product_view_days (product_id, day, views, last_viewed_at)
    select v.product_id, (v.viewed_at at time zone public.leaderboard_time_zone())::date, count(*), max(v.viewed_at)
      from public.product_views v group by 1, 2;
  end if;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- A product's figure: its counter, O(1) however many views it has.
-- ---------------------------------------------------------------------------------------------
create or replace function public.product_view_total(p_product_id uuid)
  returns integer
  language sql stable security definer set search_path = ''
as $$
  select case
    when exists (
      select 1 from public.products p
      where p.id = p_product_id
        and (p.status in ('active', 'sold')
             or p.seller_id = (select auth.uid())
             or (select auth.jwt() ->> 'role') = 'service_role')
    )
    then coalesce((select t.views from public.product_view_totals t where t.product_id = p_product_id), 0)
    else 0
  end
$$;
comment on function public.product_view_total(uuid) is
  'Counted views of a product the caller may see (0 otherwise), from its counter (product_view_totals).';

-- ---------------------------------------------------------------------------------------------
-- Trending: the window is whole UTC days, from the start of the day p_days days ago until now (between
-- p_days and p_days + 1 days), read from the day counters: its cost is the window's (product, day) rows,
-- not its views. Ties: more views, then the more recent latest view, then id.
-- ---------------------------------------------------------------------------------------------
create or replace function public.get_trending_products(p_days integer default 7, p_limit integer default 10)
  returns table (id uuid, seller_id uuid, seller_name text, title text, price numeric,
                 recent_views integer, last_viewed_at timestamptz)
  language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  r record;
  v_listed integer := 0;
begin
  perform private.check_between('p_days', p_days, 1, 365);
  perform private.check_between('p_limit', p_limit, 1, 100);
  for r in
    select d.product_id, sum(d.views)::integer as n, max(d.last_viewed_at) as last_at
      from public.product_view_days d
     where d.day >= (now() at time zone public.leaderboard_time_zone())::date - p_days
     group by d.product_id
    having sum(d.views) > 0
     order by 2 desc, 3 desc, 1
  loop
    select p.id, p.seller_id, u.display_name, p.title, p.price
      into id, seller_id, seller_name, title, price
      from public.products p
      join public.users u on u.id = p.seller_id
     where p.id = r.product_id and p.status = 'active';
    if found then
      recent_views := r.n;
      last_viewed_at := r.last_at;
      return next;
      v_listed := v_listed + 1;
      exit when v_listed >= p_limit;
    end if;
  end loop;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- The caller's products with the most counted views this UTC month, then all-time views: the month from
-- its day counters (at most 31 rows a product), all-time from its total.
-- ---------------------------------------------------------------------------------------------
create or replace function public.get_my_top_products(p_limit integer default 5)
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
      select coalesce((select sum(d.views) from public.product_view_days d
                        where d.product_id = p.id and d.day >= v_month
                          and d.day < (v_month + interval '1 month')::date), 0)::integer as views_month,
             coalesce((select t.views from public.product_view_totals t where t.product_id = p.id), 0) as views_all_time
    ) c
   where p.seller_id = v_user and c.views_month > 0
   order by c.views_month desc, c.views_all_time desc, p.title, p.id
   limit p_limit;
end;
$$;
