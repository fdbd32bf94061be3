-- Sales with a buyer on the other side: one row of public.sales per sale, which sales rank on the boards,
-- the buyer's answer, and the 14-day undo rule.
--
-- The rule (README "What counts on the leaderboard"):
--   * At the sale, whether it ranks is decided once and stored (sales.ranks). Through the app (roles anon,
--     authenticated) it ranks when the named buyer wrote to the seller about this product and is not the
--     seller, the price is above 0, and fewer than sales_cap() ranked sales exist for the key (buyer,
--     seller, UTC month of sold_at), decided under a transaction advisory lock on that key, so two
--     concurrent sales cannot both take the last place. No buyer ("sold elsewhere") never ranks.
--     Trusted writers (service_role, admin SQL: imports, the backfill) rank as before: price above 0.
--   * Afterwards only the buyer's "Not me" (within 14 days of sold_at, final) takes a sale off the boards.
--     Price edits, moving the product and the buyer's account deletion (buyer_id becomes null) leave the
--     decision as it is. An undone or disputed sale keeps its row and its place under the cap.
--   * Undoing a sale through the app is allowed within 14 days of its sold_at only (PT409 after);
--     service_role and admin SQL may still change anything. Selling again is a new sale (a new row).
--
-- Counting: a sale counts for its seller (the product's current seller) in the UTC month of its sold_at when
-- it ranks, is not disputed and is not undone (private.sale_counts). Statement triggers on public.sales add
-- the differences through private.leaderboard_apply (key order, all-time too); the products triggers no
-- longer count sales. The buyer is kept here, not on products: RLS can
-- hide a row (this one is readable by its buyer and seller only), not one column of products, which
-- everyone may read.

-- ---------------------------------------------------------------------------------------------
-- Constants (immutable SQL: inlined where used)
-- ---------------------------------------------------------------------------------------------
-- How many ranked sales one buyer may give one seller in one UTC month.
create function private.sales_cap() returns integer
  language sql immutable parallel safe set search_path = ''
  return 3;

-- How long after sold_at a sale may be undone through the app, and the buyer may answer "Not me".
create function private.sales_answer_window() returns interval
  language sql immutable parallel safe set search_path = ''
  return interval '14 days';

-- Whether a sale counts on the boards now: it ranked when it was made, and is neither disputed nor undone.
create function private.sale_counts(p_ranks boolean, p_buyer_response text, p_undone_at timestamptz) returns boolean
  language sql immutable parallel safe set search_path = ''
  return p_ranks and p_undone_at is null and p_buyer_response is distinct from 'not_me';
grant execute on function private.sale_counts(boolean, text, timestamptz) to authenticated;

-- Whether the current transaction writes as a trusted writer (service_role, admin SQL) rather than as an
-- API client. The `role` setting (SET ROLE, as PostgREST and the app's seam do), not current_user: this is
-- called from security definer functions, where current_user is their owner.
create function private.trusted_writer() returns boolean
  language sql stable parallel safe set search_path = ''
  return coalesce(current_setting('role', true), 'none') not in ('anon', 'authenticated');

-- ---------------------------------------------------------------------------------------------
-- public.sales
-- ---------------------------------------------------------------------------------------------
create table public.sales (
  id uuid primary key default gen_random_uuid(),
  product_id uuid not null references public.products (id) on delete cascade,
  -- The product's current seller (moved with the product). No foreign key, like the counters: the seller's
  -- deletion removes their products, which removes these rows.
  seller_id uuid not null,
  -- Null: sold elsewhere, or the buyer deleted their account since.
  buyer_id uuid references public.users (id) on delete set null,
  -- The product's sold_at while this is its current sale.
  sold_at timestamptz not null,
  -- Decided at the sale and kept (see above).
  ranks boolean not null,
  -- The key the decision was taken under (buyer_id, cap_seller_id, cap_month): fixed at the sale, so a later
  -- move or date correction does not free or take a place under the cap. Null without a named buyer.
  cap_seller_id uuid,
  cap_month date,
  buyer_response text constraint sales_buyer_response_check check (buyer_response in ('confirm', 'not_me')),
  responded_at timestamptz,
  undone_at timestamptz,
  created_at timestamptz not null default now(),
  constraint sales_responded_when check ((buyer_response is null) = (responded_at is null)),
  constraint sales_cap_key check ((cap_seller_id is null) = (cap_month is null))
);
comment on table public.sales is
  'One row per sale: the buyer (null: sold elsewhere), whether it ranks (decided at the sale), the buyer''s answer, and when it was undone. Readable by its buyer and seller; written only by triggers and functions.';

-- One current sale per product; undone ones stay for the record and the cap.
create unique index sales_current_product_idx on public.sales (product_id) where undone_at is null;
create index sales_product_idx on public.sales (product_id);
-- The cap's count under its lock.
create index sales_cap_idx on public.sales (buyer_id, cap_seller_id, cap_month) where ranks;
create index sales_seller_idx on public.sales (seller_id, sold_at);
create index sales_buyer_idx on public.sales (buyer_id, sold_at) where buyer_id is not null;

alter table public.sales enable row level security;
revoke all on table public.sales from anon, authenticated;
grant select on table public.sales to authenticated;
grant all on table public.sales to service_role;
create policy "buyer and seller read a sale" on public.sales
  for select to authenticated using ((select auth.uid()) in (seller_id, buyer_id));
create policy "the server reads and writes sales" on public.sales
  for all to service_role using (true) with check (true);

-- Backfill: every product sold before this migration becomes a sale as the trusted writers' rule had it
-- (no buyer; ranks when the price is above 0), which is what the counters hold, so they stay as they are.
insert into public.sales (product_id, seller_id, buyer_id, sold_at, ranks)
select p.id, p.seller_id, null, p.sold_at, p.price > 0 from public.products p where p.status = 'sold';

-- ---------------------------------------------------------------------------------------------
-- Counting sales: statement triggers on public.sales feed private.leaderboard_apply (key order, each month
-- and all-time, a key's sales row before its views row: the one lock order of the write path)
-- ---------------------------------------------------------------------------------------------
-- The monthly sales changes of sales rows leaving (p_sign -1) or entering (+1) the counted state.
create function private.leaderboard_sales_rows(p_sales public.sales[], p_sign integer)
  returns setof private.leaderboard_delta language sql stable set search_path = ''
as $$
  select row(s.seller_id, private.leaderboard_year(s.sold_at), private.leaderboard_month(s.sold_at), p_sign, 0)::private.leaderboard_delta
    from unnest(p_sales) s
   where private.sale_counts(s.ranks, s.buyer_response, s.undone_at)
$$;

create function private.leaderboard_sales_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_apply(array(
    select private.leaderboard_sales_rows(array(select n::public.sales from new_sales n), 1)));
  return null;
end;
$$;

create function private.leaderboard_sales_updated() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_apply(array(
    select private.leaderboard_sales_rows(array(select o::public.sales from old_sales o), -1)
    union all select private.leaderboard_sales_rows(array(select n::public.sales from new_sales n), 1)));
  return null;
end;
$$;

create function private.leaderboard_sales_deleted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.leaderboard_apply(array(
    select private.leaderboard_sales_rows(array(select o::public.sales from old_sales o), -1)));
  return null;
end;
$$;

create trigger leaderboard_sales_inserted
  after insert on public.sales referencing new table as new_sales
  for each statement execute function private.leaderboard_sales_inserted();
create trigger leaderboard_sales_updated
  after update on public.sales referencing old table as old_sales new table as new_sales
  for each statement execute function private.leaderboard_sales_updated();
create trigger leaderboard_sales_deleted
  after delete on public.sales referencing old table as old_sales
  for each statement execute function private.leaderboard_sales_deleted();

-- ---------------------------------------------------------------------------------------------
-- The products counter triggers stop counting sales (the rows above do); they keep moving and taking off
-- views. The smallest change: the insert trigger counted sales only and goes; the update and delete
-- triggers lose their private.leaderboard_product_sales calls, and that function goes.
-- ---------------------------------------------------------------------------------------------
drop trigger leaderboard_products_inserted on public.products;
drop function private.leaderboard_products_inserted();

create or replace function private.leaderboard_products_updated() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_moved_old public.products[] := array(select o::public.products from old_products o
    join new_products n on n.id = o.id where n.seller_id <> o.seller_id order by o.id);
  v_moved_new public.products[] := array(select n::public.products from new_products n
    join old_products o on o.id = n.id where n.seller_id <> o.seller_id order by n.id);
begin
  perform private.leaderboard_apply(array(
    select private.leaderboard_product_views(v_moved_old, -1)
    union all select private.leaderboard_product_views(v_moved_new, 1)));
  return null;
end;
$$;

create or replace function private.leaderboard_products_deleted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_old public.products[] := array(select o::public.products from old_products o order by o.id);
  v_ids uuid[] := array(select o.id from old_products o order by o.id);
begin
  delete from public.product_view_totals where product_id = any (v_ids);
  perform private.leaderboard_apply(array(select private.leaderboard_product_views(v_old, -1)));
  delete from public.product_view_days where product_id = any (v_ids);
  return null;
end;
$$;

drop function private.leaderboard_product_sales(public.products[], integer);
-- The old rule (sold at a price above 0), now decided per sale and stored.
drop function private.leaderboard_sale_counts(timestamptz, numeric);

-- ---------------------------------------------------------------------------------------------
-- sold_at follows status; the 14-day undo rule (replaces the 24-hour "same sale" rule)
-- ---------------------------------------------------------------------------------------------
create or replace function public.products_set_sold_at() returns trigger
  language plpgsql set search_path = ''
as $$
declare
  -- Imports, backfills and admin SQL may state when a sale happened, and undo any sale; API clients may not.
  privileged constant boolean := current_user not in ('anon', 'authenticated');
  explicit timestamptz;
begin
  if new.status <> 'sold' then
    if tg_op = 'UPDATE' and old.status = 'sold' and not privileged
       and old.sold_at < now() - private.sales_answer_window() then
      raise exception 'a sale can be undone only within 14 days of it (this one was on %)',
        to_char(old.sold_at at time zone 'UTC', 'FMMonth FMDD, YYYY')
        using errcode = 'PT409';
    end if;
    new.sold_at := null;
    return new;
  end if;

  if tg_op = 'UPDATE' and old.status = 'sold' then
    -- Still sold: keep the original date unless a privileged writer corrects it.
    explicit := case when privileged and new.sold_at is distinct from old.sold_at then new.sold_at end;
    new.sold_at := coalesce(explicit, old.sold_at);
  else
    -- Becoming sold (or inserted as sold): a new sale, now (or when a privileged writer says).
    explicit := case when privileged then new.sold_at end;
    new.sold_at := coalesce(explicit, now());
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
grant execute on function private.sales_answer_window() to anon, authenticated, service_role;

alter table public.products drop column unsold_sold_at, drop column unsold_at;

-- ---------------------------------------------------------------------------------------------
-- A product's sale follows the product: becoming sold makes a sale (and decides it), leaving sold undoes
-- it, a corrected sold_at and a new seller move it.
-- ---------------------------------------------------------------------------------------------
-- The transaction advisory lock of a cap key (buyer, seller, month): the one-argument (bigint) form, a
-- namespace apart from the counters' two-integer locks.
create function private.sales_cap_lock_key(p_buyer uuid, p_seller uuid, p_month date) returns bigint
  language sql immutable parallel safe set search_path = ''
  return hashtextextended('sales cap ' || p_buyer::text || ' ' || p_seller::text || ' ' || p_month::text, 0);

-- Records the sale of a product that has just become sold. The buyer comes from update_product (the
-- transaction settings sales.buyer_product and sales.buyer_id, for this product only); without one the sale
-- is "sold elsewhere".
create function private.record_sale(p_product public.products) returns void
  language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_buyer uuid;
  v_month constant date := private.leaderboard_month_start(p_product.sold_at);
  v_ranks boolean := false;
begin
  if current_setting('sales.buyer_product', true) = p_product.id::text then
    v_buyer := nullif(current_setting('sales.buyer_id', true), '')::uuid;
  end if;
  if private.trusted_writer() then
    v_ranks := p_product.price > 0;
  elsif v_buyer is not null and v_buyer <> p_product.seller_id and p_product.price > 0
        and exists (select from public.messages m
                     where m.sender_id = v_buyer and m.recipient_id = p_product.seller_id
                       and m.product_id = p_product.id) then
    -- Two sales for one key wait for each other here; the second counts after the first committed.
    perform pg_catalog.pg_advisory_xact_lock(private.sales_cap_lock_key(v_buyer, p_product.seller_id, v_month));
    v_ranks := (select count(*) from public.sales s
                 where s.buyer_id = v_buyer and s.cap_seller_id = p_product.seller_id and s.cap_month = v_month
                   and s.ranks) < private.sales_cap();
  end if;
  insert into public.sales (product_id, seller_id, buyer_id, sold_at, ranks, cap_seller_id, cap_month)
  values (p_product.id, p_product.seller_id, v_buyer, p_product.sold_at, v_ranks,
          case when v_buyer is not null then p_product.seller_id end,
          case when v_buyer is not null then v_month end);
end;
$$;

create function private.sales_follow_product() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.seller_id <> old.seller_id then
      update public.sales s set seller_id = new.seller_id where s.product_id = new.id;
    end if;
    if old.status = 'sold' and new.status = 'sold' then
      if new.sold_at is distinct from old.sold_at then
        update public.sales s set sold_at = new.sold_at where s.product_id = new.id and s.undone_at is null;
      end if;
      return null;
    end if;
    if old.status = 'sold' then
      update public.sales s set undone_at = now() where s.product_id = new.id and s.undone_at is null;
      return null;
    end if;
  end if;
  if new.status = 'sold' then
    perform private.record_sale(new);
  end if;
  return null;
end;
$$;

create trigger sales_follow_product_inserted
  after insert on public.products
  for each row when (new.status = 'sold')
  execute function private.sales_follow_product();
create trigger sales_follow_product_changed
  after update of status, sold_at, seller_id on public.products
  for each row when (new.status = 'sold' or old.status = 'sold' or old.seller_id is distinct from new.seller_id)
  execute function private.sales_follow_product();
