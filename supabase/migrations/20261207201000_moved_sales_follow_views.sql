-- One order for a seller's counters: the views first, then the sales.
--
-- A deleted product's sales go with it through the foreign key (on delete cascade). PostgreSQL runs the
-- triggers of such a cascade at the end of the statement that deleted the product, after the products'
-- own statement trigger: a product's deletion changed its seller's view counters, then its sales
-- counters. A product moved to another seller did the reverse: its sales followed it in a per-row
-- trigger, before the statement trigger moved its views. A deletion and a move of two products of one
-- seller could then each hold one table's rows and wait for the other's: a deadlock the concurrency
-- invariant test found (a move waiting for a view row, a deletion waiting for a sales row).
--
-- Now the sales of moved products follow them in a statement trigger that runs after the one that moves
-- their views (statement triggers of one event run in name order: leaderboard_products_updated, then
-- sales_follow_moved_products), so every writer takes a seller's view rows before its sales rows. The
-- per-row trigger keeps what only a row can do: a sale starts, is undone or changes date with its
-- product's status and sold_at.

create or replace function private.sales_follow_product() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
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

drop trigger sales_follow_product_changed on public.products;
create trigger sales_follow_product_changed
  after update of status, sold_at on public.products
  for each row when (new.status = 'sold' or old.status = 'sold')
  execute function private.sales_follow_product();

-- A moved product's sales (undone ones too) belong to its new seller; the cap key stays the one fixed at
-- the sale.
create function private.sales_follow_moved_products() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  update public.sales s set seller_id = n.seller_id
    from new_products n join old_products o on o.id = n.id
   where s.product_id = n.id and n.seller_id <> o.seller_id;
  return null;
end;
$$;
revoke all on function private.sales_follow_moved_products() from public;

create trigger sales_follow_moved_products
  after update on public.products
  referencing old table as old_products new table as new_products
  for each statement execute function private.sales_follow_moved_products();
