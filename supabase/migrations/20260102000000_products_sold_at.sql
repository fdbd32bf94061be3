-- When a product was sold (products.sold_at), decided by `status` (BEFORE trigger below), whoever writes
-- the row; the leaderboard counts a sale in the month of its sold_at:
--   * becoming 'sold' sets sold_at = now() (or a privileged writer's explicit value, never in the future);
--   * staying 'sold' keeps it (only a privileged writer may correct it);
--   * leaving 'sold' clears it, and remembers it: selling again within 24 hours of the undo keeps the
--     original sale's sold_at (so its month), so undo/redo cannot move an old sale into the current month.
-- Clients (anon/authenticated) can never write sold_at, unsold_sold_at or unsold_at: they have no column
-- grant on them, and the trigger ignores any value they might smuggle in.

alter table public.products
  add column sold_at timestamptz,
  add column unsold_sold_at timestamptz,
  add column unsold_at timestamptz;
comment on column public.products.sold_at is
  'When the product was sold; set and cleared by products_set_sold_at from status. Null unless status = ''sold''.';
comment on column public.products.unsold_sold_at is
  'The sold_at of the last undone sale; a sale within 24 hours of unsold_at takes it back (products_set_sold_at).';
comment on column public.products.unsold_at is 'When the last sale of this product was undone.';

-- Backfill for a database with products from before this migration: the best date an old sale has is its
-- last edit (tests/db/leaderboard-backfill.test.ts).
update public.products set sold_at = updated_at where status = 'sold' and sold_at is null;
update public.products set sold_at = null where status <> 'sold' and sold_at is not null;

alter table public.products
  add constraint products_sold_at_matches_status check ((status = 'sold') = (sold_at is not null));

create index products_sold_at_idx on public.products (seller_id, sold_at) where sold_at is not null;

create function public.products_set_sold_at() returns trigger
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

  -- Only a stated value can be in the future; a kept one was checked when it was stated (two concurrent
  -- "sold" updates: the second keeps the first's sold_at, later than its own statement's now()).
  if explicit > now() then
    raise exception 'sold_at cannot be in the future (got %)', explicit
      using errcode = 'check_violation', constraint = 'products_sold_at_not_future';
  end if;
  return new;
end;
$$;

create trigger products_set_sold_at
  before insert or update of status, sold_at on public.products
  for each row execute function public.products_set_sold_at();
