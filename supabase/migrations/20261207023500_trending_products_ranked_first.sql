-- get_trending_products, fixed forward: at 1,000,000 views (npm run bench, "trending") the first version
-- hash-joined the window's products with a sequential scan of every active product (35 ms at p50), and a
-- single query with the same joins is planned the same way. Rank the window's products first (an
-- index-only range scan of product_views_viewed_at_product_idx, an aggregate and a sort of the window's
-- products), then look them up by primary key in that order until p_limit active ones are found: the cost
-- is the window's views and a few index lookups, never the products table. Same signature, same answer,
-- same ties (more views, then the more recent latest view, then id).
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
    select v.product_id, count(*)::integer as n, max(v.viewed_at) as last_at
      from public.product_views v
     where v.viewed_at > now() - make_interval(days => p_days)
     group by v.product_id
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
