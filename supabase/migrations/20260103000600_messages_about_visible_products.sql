-- A message may only be about a product its sender can see. Without this, the foreign key (which
-- ignores RLS) told a sender whether any product id exists, drafts of other sellers included.
drop policy "users send messages as themselves" on public.messages;
create policy "users send messages as themselves" on public.messages
  for insert to authenticated
  with check (
    sender_id = (select auth.uid())
    -- The subquery runs under the sender's RLS: only listed products and their own drafts are found.
    and (product_id is null or exists (select 1 from public.products p where p.id = product_id))
  );
