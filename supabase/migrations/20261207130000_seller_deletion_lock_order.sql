-- A seller's account deletion takes its locks in the order every other writer takes them: the seller's
-- products first, then the seller's profile (public.users), then the counters.
--
-- Without this, `delete from auth.users` (what Supabase Auth's admin API runs) cascades to public.users
-- first, locking the profile, and only then to the seller's products. A transaction that holds one of
-- those products (a sale, an undo, a delete) and then names the seller (listing or moving a product to
-- them: the foreign key check takes FOR KEY SHARE on the profile) waits for the profile while the
-- deletion waits for the product: a deadlock, whatever the counters do.
--
-- A BEFORE trigger on auth.users runs before the cascade reaches public.users (a BEFORE trigger on
-- public.users would run with the profile already locked). It locks the seller's products in id order;
-- a product moved to the seller meanwhile is still deleted by the cascade, after its mover commits.
create function private.lock_products_of_deleted_user() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform 1 from public.products p where p.seller_id = old.id order by p.id for update;
  return old;
end;
$$;

create trigger lock_products_of_deleted_user
  before delete on auth.users
  for each row execute function private.lock_products_of_deleted_user();
