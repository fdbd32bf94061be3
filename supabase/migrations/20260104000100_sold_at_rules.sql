-- When a sale happened (sold_at), fixed forward from 20260102000000:
--   * The "never in the future" check applies to a value someone states, not to one kept from the row.
--     Two concurrent "sold" updates of one product: the second waits for the first's row lock, re-checks
--     the row and keeps the first's sold_at, which is later than its own statement's now(); it failed
--     with 23514 before (issue 6, item 3).
--   * Undoing a sale and selling again within 24 hours of the undo keeps the original sale's sold_at (so
--     its month): undo/redo cannot move an old sale into the current month. The product remembers the
--     sold_at it last lost and when (unsold_sold_at, unsold_at). Clients have no grant on these columns.

alter table public.products
  add column unsold_sold_at timestamptz,
  add column unsold_at timestamptz;
comment on column public.products.unsold_sold_at is
  'The sold_at of the last undone sale; a sale within 24 hours of unsold_at takes it back (products_set_sold_at).';
comment on column public.products.unsold_at is 'When the last sale of this product was undone.';

create or replace function public.products_set_sold_at() returns trigger
  language plpgsql set search_path = ''
as $$
declare
  -- Imports, backfills and admin SQL may state when a sale happened; API clients may not.
  privileged constant boolean := current_user not in ('anon', 'authenticated');
  explicit timestamptz;
begin
  if new.status <> 'sold' then
    if tg_op = 'UPDATE' and old.status = 'sold' then
      new.unsold_sold_at := old.sold_at;
      new.unsold_at := now();
    end if;
    new.sold_at := null;
    return new;
  end if;

  if tg_op = 'UPDATE' and old.status = 'sold' then
    -- Still sold: keep the original date unless a privileged writer corrects it.
    explicit := case when privileged and new.sold_at is distinct from old.sold_at then new.sold_at end;
    new.sold_at := coalesce(explicit, old.sold_at);
  else
    -- Becoming sold (or inserted as sold).
    explicit := case when privileged then new.sold_at end;
    if explicit is null and tg_op = 'UPDATE' and old.unsold_at > now() - interval '24 hours' then
      new.sold_at := old.unsold_sold_at; -- sold again soon after an undo: the same sale
    else
      new.sold_at := coalesce(explicit, now());
    end if;
  end if;

  -- Only a stated value can be in the future; a kept one was checked when it was stated.
  if explicit > now() then
    raise exception 'sold_at cannot be in the future (got %)', explicit
      using errcode = 'check_violation', constraint = 'products_sold_at_not_future';
  end if;
  return new;
end;
$$;
revoke execute on function public.products_set_sold_at() from public, anon, authenticated;
