-- A user's account deletion also locks, up front and in id order, every message its cascades will touch.
--
-- Deleting a seller reaches a message two ways: as its sender or recipient (the message is deleted) and
-- through the seller's products (its product_id is set to null). A message about a product that has
-- since moved to another seller is reached by two deletions, one way each, so two deletions running at
-- once (or a deletion and a product deletion followed by a listing for the deleted seller) each took
-- one such message in its cascade and waited for the other's: a deadlock the concurrency invariant test
-- found (a deletion waiting in the set-null cascade for a message another transaction held).
--
-- The BEFORE trigger on auth.users already locks the seller's products before anything else; it now
-- locks the messages next, in id order, before the cascades start, so deletions queue on the first
-- message they share and never hold one the other needs.
create or replace function private.lock_products_of_deleted_user() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform 1 from public.products p where p.seller_id = old.id order by p.id for update;
  perform 1 from public.messages m
   where m.sender_id = old.id or m.recipient_id = old.id
      or m.product_id in (select p.id from public.products p where p.seller_id = old.id)
   order by m.id
     for update of m;
  return old;
end;
$$;
