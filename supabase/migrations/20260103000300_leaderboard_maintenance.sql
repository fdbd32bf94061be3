-- Leaderboard maintenance (service_role and admins only): the figures recomputed from products and
-- product_views, the drift between them and the counters (empty when the cache is exact), a rebuild of
-- one month or everything, and the backfill that counts every sale and view that existed before the cache.

-- The figures the cache must hold, months and all-time (year 0, month 0), rows with something only. The
-- same rules as the write path's triggers (private.leaderboard_sale_counts).
create function private.leaderboard_recomputed()
  returns table (seller_id uuid, year integer, month integer, items_sold integer, total_views integer)
  language sql stable security definer set search_path = ''
as $$
  with monthly as (
    select p.seller_id,
           private.leaderboard_year(p.sold_at) as year,
           private.leaderboard_month(p.sold_at) as month,
           1 as sold, 0 as viewed
      from public.products p where private.leaderboard_sale_counts(p.sold_at, p.price)
    union all
    select p.seller_id,
           private.leaderboard_year(v.viewed_at),
           private.leaderboard_month(v.viewed_at),
           0, 1
      from public.product_views v join public.products p on p.id = v.product_id
  )
  select seller_id, year, month, sum(sold)::integer, sum(viewed)::integer
    from monthly group by grouping sets ((seller_id, year, month), (seller_id))
$$;
-- grouping sets give year/month null for the all-time rows: expose them as 0/0.
create function private.leaderboard_expected()
  returns table (seller_id uuid, year integer, month integer, items_sold integer, total_views integer)
  language sql stable security definer set search_path = ''
as $$
  select seller_id, coalesce(year, 0), coalesce(month, 0), items_sold, total_views
    from private.leaderboard_recomputed()
$$;

create function public.seller_leaderboard_drift()
  returns table (seller_id uuid, year integer, month integer,
                 cached_items_sold integer, actual_items_sold integer,
                 cached_total_views integer, actual_total_views integer)
  language sql stable security definer set search_path = ''
as $$
  with cached as (
    select seller_id, year, month, sum(items_sold)::integer as items_sold, sum(total_views)::integer as total_views
      from (
        select seller_id, year, month, items_sold, 0 as total_views from public.seller_sales_counts
        union all
        select seller_id, year, month, 0, total_views from public.seller_view_counts
      ) c
     group by seller_id, year, month
  )
  select coalesce(c.seller_id, e.seller_id), coalesce(c.year, e.year), coalesce(c.month, e.month),
         coalesce(c.items_sold, 0), coalesce(e.items_sold, 0),
         coalesce(c.total_views, 0), coalesce(e.total_views, 0)
    from cached c
    full join private.leaderboard_expected() e
      on e.seller_id = c.seller_id and e.year = c.year and e.month = c.month
   where coalesce(c.items_sold, 0) <> coalesce(e.items_sold, 0)
      or coalesce(c.total_views, 0) <> coalesce(e.total_views, 0)
   order by 1, 2, 3
$$;
comment on function public.seller_leaderboard_drift() is
  'Every (seller, year, month) where the cache differs from a recomputation from products and product_views; year 0/month 0 is all-time. Empty when the cache is exact.';
grant execute on function public.seller_leaderboard_drift() to service_role;

-- Recomputes one month (p_year, p_month) and the all-time rows, or everything (both null).
-- Takes an EXCLUSIVE lock on the cache tables: triggers wait, readers do not; each statement below sees
-- every transaction that committed before the lock was granted.
create function public.rebuild_seller_leaderboard_cache(p_year integer default null, p_month integer default null)
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
  insert into public.seller_view_counts (seller_id, year, month, slot, total_views, last_updated, changed_at)
  select r.seller_id, r.year, r.month, 0, r.total_views, t.now, t.now
    from pg_temp.leaderboard_rebuild r, (select clock_timestamp() as now) t where r.total_views > 0;

  drop table pg_temp.leaderboard_rebuild;
end;
$$;
comment on function public.rebuild_seller_leaderboard_cache(integer, integer) is
  'Recomputes the leaderboard cache from products and product_views: one month (and all-time), or everything when both arguments are null.';
grant execute on function public.rebuild_seller_leaderboard_cache(integer, integer) to service_role;

-- ---------------------------------------------------------------------------------------------
-- Backfill: count every sale and view that existed before the triggers (none on a fresh database; a
-- database restored from before the cache gets its counters here).
-- ---------------------------------------------------------------------------------------------
select public.rebuild_seller_leaderboard_cache();
