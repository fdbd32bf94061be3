-- Sales tracking: when a product was sold.
--
-- Before this migration a sale had no date of its own and the leaderboard read `updated_at`, which any
-- edit moves. `sold_at` is now decided by `status` (BEFORE trigger below), whoever writes the row:
--   * becoming 'sold' sets sold_at = now() (or a privileged writer's explicit value, never in the future);
--   * staying 'sold' keeps it (only a privileged writer may correct it);
--   * leaving 'sold' clears it.
-- Clients (anon/authenticated) can never write sold_at: they have no column grant on it, and the trigger
-- ignores any value they might smuggle in.

alter table public.products add column sold_at timestamptz;
comment on column public.products.sold_at is
  'When the product was sold; set and cleared by products_set_sold_at from status. Null unless status = ''sold''.';

-- Backfill: the best date an old sale has is its last edit.
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
    new.sold_at := coalesce(explicit, now());
  end if;

  if new.sold_at > now() then
    raise exception 'sold_at cannot be in the future (got %)', new.sold_at
      using errcode = 'check_violation', constraint = 'products_sold_at_not_future';
  end if;
  return new;
end;
$$;
revoke execute on function public.products_set_sold_at() from public, anon, authenticated;

create trigger products_set_sold_at
  before insert or update of status, sold_at on public.products
  for each row execute function public.products_set_sold_at();
