-- Views of a product being deleted fail fast (issue 6, item 4).
--
-- A view insert's foreign key check waits for the product's row lock, and a deleting transaction holds
-- it until it commits, while it takes the product's sale and views off the cache (its view decrements
-- wait for the counter slots that views in flight hold). Measured here with 8 connections, 2 sellers,
-- 16 products and 3% deletes: a view of a product being deleted waited about 30-50 ms, then failed on
-- the foreign key anyway, and the workload ran at a fifth of its rate without deletes.
--
-- Now the deleting trigger holds a transaction advisory lock (uuid_hash(product), -1) (second key -1:
-- counter slot locks use keys >= 0), and a BEFORE INSERT trigger on product_views probes it without
-- waiting and holding nothing: a product being deleted refuses the view at once with the foreign key's
-- error (23503), as it would after the wait. If that delete then rolls back, the view was refused all
-- the same, like any view that races a delete. Moving a product to another seller takes no such lock:
-- its views still wait and count for the new seller.

create or replace function private.leaderboard_products_deleting() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_count integer := coalesce(nullif(current_setting('leaderboard.products_deleting', true), ''), '0')::integer;
begin
  -- Announce the delete to views of this product (private.product_views_check_product). Bulk deletes
  -- (a seller's account) stop after 64 products: locks live in a shared table; their views just wait.
  if v_count < 64 then
    perform set_config('leaderboard.products_deleting', (v_count + 1)::text, true);
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.uuid_hash(old.id), -1);
  end if;
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

create function private.product_views_check_product() returns trigger
  language plpgsql set search_path = ''
as $$
declare
  v_key integer := pg_catalog.uuid_hash(new.product_id);
begin
  -- A probe, not a hold (session lock released at once): a view never blocks a delete, nor the reverse.
  if pg_catalog.pg_try_advisory_lock_shared(v_key, -1) then
    perform pg_catalog.pg_advisory_unlock_shared(v_key, -1);
    return new;
  end if;
  raise exception 'product % is being deleted', new.product_id
    using errcode = 'foreign_key_violation', constraint = 'product_views_product_id_fkey';
end;
$$;
revoke execute on function private.product_views_check_product() from public, anon, authenticated, service_role;

create trigger product_views_check_product
  before insert on public.product_views
  for each row execute function private.product_views_check_product();
