-- The last advisor warnings on the view counters' readers, and one body brought up to date.
--   * product_view_total and get_trending_products read the per-product counters, which no API role may
--     read (who viewed what stays private), so they run as their owner. Their bodies move to schema
--     private, which the API does not expose; public keeps security invoker functions of the same names
--     and signatures that call them, so callers and grants stay as they were (lints 0028/0029).
--   * private.get_my_top_products gets the body that reads the per-product counters (a total and at
--     most 31 day rows a product) instead of counting product_views: moving it to private had copied the
--     earlier body.
--   * private.view_cap_per_client fixes its search_path (lint 0011).

create function private.product_view_total(p_product_id uuid)
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
comment on function private.product_view_total(uuid) is
  'The body of public.product_view_total (security definer: reads product_view_totals).';
grant execute on function private.product_view_total(uuid) to anon, authenticated, service_role;

create or replace function public.product_view_total(p_product_id uuid)
  returns integer
  language sql stable security invoker set search_path = ''
as $$
  select private.product_view_total(p_product_id);
$$;
comment on function public.product_view_total(uuid) is
  'Counted views of a product the caller may see (0 otherwise), from its counter.';

create function private.get_trending_products(p_days integer, p_limit integer)
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
comment on function private.get_trending_products(integer, integer) is
  'The body of public.get_trending_products (security definer: reads product_view_days).';
grant execute on function private.get_trending_products(integer, integer) to anon, authenticated, service_role;

create or replace function public.get_trending_products(p_days integer default 7, p_limit integer default 10)
  returns table (id uuid, seller_id uuid, seller_name text, title text, price numeric,
                 recent_views integer, last_viewed_at timestamptz)
  language sql stable security invoker set search_path = ''
as $$
  select * from private.get_trending_products(p_days, p_limit);
$$;

create or replace function private.get_my_top_products(p_limit integer)
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
comment on function private.get_my_top_products(integer) is
  'The body of public.get_my_top_products (security definer: reads the per-product counters of the caller''s products).';

alter function private.view_cap_per_client() set search_path = '';
