-- Which sales count on the boards (issue 7; README "What counts on the leaderboard"):
--   * A sale counts when the product is sold AND its price is above 0: free items never count. A price
--     change of a sold product from or to 0 moves the count (the cache stays a pure function of the rows).
--   * An admin (JWT app_metadata.role = 'admin', which only the service can set) or service_role can
--     exclude a seller from the boards; seller_exclusions records who, why and when. Exclusion is applied
--     when the boards are read, not in the cache: the cache keeps every seller's exact figures (so
--     seller_leaderboard_drift() and the rebuild are unchanged by it) and an exclusion takes effect, or
--     is lifted, at once without rewriting counters.

-- ---------------------------------------------------------------------------------------------
-- Free items: the cache triggers and the recomputation count only sales with price > 0.
-- ---------------------------------------------------------------------------------------------
create or replace function private.leaderboard_products_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  r record;
begin
  for r in
    with sales as (
      select seller_id,
             private.leaderboard_year(sold_at) as year,
             private.leaderboard_month(sold_at) as month
        from new_products where sold_at is not null and price > 0
    ),
    keyed as (select seller_id, year, month from sales union all select seller_id, 0, 0 from sales)
    select seller_id, year, month, count(*)::integer as n from keyed
     group by seller_id, year, month order by seller_id, year, month
  loop
    perform private.leaderboard_add_sales(r.seller_id, r.year, r.month, r.n);
  end loop;
  return null;
end;
$$;

create or replace function private.leaderboard_products_changed() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if old.sold_at is not null and old.price > 0 then
    insert into private.leaderboard_pending (seller_id, year, month, d_sold)
    values (old.seller_id,
            private.leaderboard_year(old.sold_at),
            private.leaderboard_month(old.sold_at), -1);
  end if;
  if new.sold_at is not null and new.price > 0 then
    insert into private.leaderboard_pending (seller_id, year, month, d_sold)
    values (new.seller_id,
            private.leaderboard_year(new.sold_at),
            private.leaderboard_month(new.sold_at), 1);
  end if;
  if new.seller_id <> old.seller_id then
    insert into private.leaderboard_pending (seller_id, year, month, d_views)
    select s.seller_id, m.year, m.month, s.sign * m.n
      from (
        select private.leaderboard_year(v.viewed_at) as year,
               private.leaderboard_month(v.viewed_at) as month,
               count(*)::integer as n
          -- FOR SHARE: waits for a concurrent delete/edit of one of these views, then sees the outcome.
          from (select pv.viewed_at from public.product_views pv where pv.product_id = new.id for share) v
         group by 1, 2
      ) m
      cross join (values (old.seller_id, -1), (new.seller_id, 1)) s(seller_id, sign);
  end if;
  return null;
end;
$$;

create or replace function private.leaderboard_products_deleting() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if old.sold_at is not null and old.price > 0 then
    insert into private.leaderboard_pending (seller_id, year, month, d_sold)
    values (old.seller_id,
            private.leaderboard_year(old.sold_at),
            private.leaderboard_month(old.sold_at), -1);
  end if;
  insert into private.leaderboard_pending (seller_id, year, month, d_views)
  select old.seller_id,
         private.leaderboard_year(v.viewed_at),
         private.leaderboard_month(v.viewed_at),
         -count(*)::integer
    -- FOR SHARE: waits for a concurrent delete/edit of one of these views, then sees the outcome.
    from (select pv.viewed_at from public.product_views pv where pv.product_id = old.id for share) v
   group by 2, 3;
  return old;
end;
$$;

create or replace function private.leaderboard_recomputed()
  returns table (seller_id uuid, year integer, month integer, items_sold integer, total_views integer)
  language sql stable security definer set search_path = ''
as $$
  with monthly as (
    select p.seller_id,
           private.leaderboard_year(p.sold_at) as year,
           private.leaderboard_month(p.sold_at) as month,
           1 as sold, 0 as viewed
      from public.products p where p.sold_at is not null and p.price > 0
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

-- The update triggers now also watch price (whether a sale counts depends on it).
drop trigger leaderboard_products_changed on public.products;
drop trigger leaderboard_products_changed_apply on public.products;
create trigger leaderboard_products_changed
  after update of status, sold_at, seller_id, price on public.products
  for each row
  when (old.sold_at is distinct from new.sold_at or old.seller_id is distinct from new.seller_id
        or (old.price > 0) is distinct from (new.price > 0))
  execute function private.leaderboard_products_changed();
create trigger leaderboard_products_changed_apply
  after update of status, sold_at, seller_id, price on public.products
  for each statement execute function private.leaderboard_apply_pending();

-- Free sales already counted leave the boards.
select public.rebuild_seller_leaderboard_cache();
