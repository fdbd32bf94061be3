-- Sales counters: every change to a seller's sales takes that seller's all-time sales row first, even when
-- its net change is zero (a sale moved from one month to another).
--
-- A product's sale follows it row by row (private.sales_follow_product), so one statement over several
-- sold products of a seller (undoing them in bulk, importing several) applies its sales changes in row
-- order, not in key order. The all-time row is the first key of every such change, so it serialises a
-- seller's sales changes; but a moved sale (all-time net 0) skipped it and then locked two month rows in
-- key order, which could cross a bulk statement's month rows taken in row order: a deadlock the
-- concurrency invariant test found. Now the all-time row is locked (or updated) first in every case.
--
-- The buyer's answer (private.respond_to_sale) locked the sale, then the counters, without the product: a
-- bulk undo holding the counters and waiting for that sale deadlocked with it. It now locks the product
-- first, the order every other writer of a sale follows (product, sale, counters).
create or replace function private.leaderboard_apply(p_changes private.leaderboard_delta[])
  returns void language plpgsql security definer set search_path = ''
as $$
declare
  r record;
begin
  for r in
    select c.seller_id, k.year, k.month, sum(c.d_sold)::integer as d_sold, sum(c.d_views)::integer as d_views,
           bool_or(c.d_sold <> 0) as sales_change
      from unnest(p_changes) c
     cross join lateral (values (c.year, c.month), (0, 0)) k(year, month)
     group by c.seller_id, k.year, k.month
    having sum(c.d_sold) <> 0 or sum(c.d_views) <> 0 or (k.year = 0 and bool_or(c.d_sold <> 0))
     order by c.seller_id, k.year, k.month
  loop
    if r.d_sold <> 0 then
      perform private.leaderboard_add_sales(r.seller_id, r.year, r.month, r.d_sold);
    elsif r.sales_change then
      -- The seller's all-time sales row, whose figure does not change: locked all the same.
      perform from public.seller_sales_counts s
       where s.seller_id = r.seller_id and s.year = 0 and s.month = 0
         for no key update;
    end if;
    if r.d_views <> 0 then
      perform private.leaderboard_add_views(r.seller_id, r.year, r.month, r.d_views);
    end if;
  end loop;
end;
$$;

create or replace function private.respond_to_sale(p_product_id uuid, p_response text)
  returns table (product_id uuid, buyer_response text, responded_at timestamptz, counts boolean)
  language plpgsql volatile security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid constant uuid := private.signed_in_user('answer a sale');
  v_sale public.sales;
begin
  if p_response is null or p_response not in ('confirm', 'not_me') then
    raise exception 'the answer is confirm or not_me (got %)', coalesce(p_response, 'null') using errcode = '22023';
  end if;
  -- The product first, as every other writer of a sale takes it (product, sale, counters).
  perform from public.products p where p.id = p_product_id for no key update;
  select s.* into v_sale from public.sales s
   where s.product_id = p_product_id and s.undone_at is null and s.buyer_id = v_uid
     for update;
  if not found then
    raise exception 'no sale of this product names you as its buyer' using errcode = 'PT404';
  end if;
  if v_sale.buyer_response is not null and v_sale.buyer_response <> p_response then
    raise exception 'you have already answered for this sale (%)', replace(v_sale.buyer_response, '_', ' ')
      using errcode = 'PT409';
  end if;
  if v_sale.buyer_response is null then
    if p_response = 'not_me' and v_sale.sold_at < now() - private.sales_answer_window() then
      raise exception '"Not me" can be answered within 14 days of the sale only' using errcode = 'PT409';
    end if;
    update public.sales s set buyer_response = p_response, responded_at = now()
     where s.id = v_sale.id
    returning s.* into v_sale;
  end if;
  return query select v_sale.product_id, v_sale.buyer_response, v_sale.responded_at,
                      private.sale_counts(v_sale.ranks, v_sale.buyer_response, v_sale.undone_at);
end;
$$;


-- A message about a product locks that product before its foreign keys lock the sender's and the
-- recipient's profiles (the foreign key checks run after the row is written), the order a seller's
-- account deletion takes them in (the seller's products, then the profile): a message written to a seller
-- whose account was being deleted deadlocked with the deletion.
create function private.messages_lock_product_first() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform from public.products p where p.id = new.product_id for key share;
  return new;
end;
$$;

create trigger messages_lock_product_first
  before insert on public.messages
  for each row when (new.product_id is not null)
  execute function private.messages_lock_product_first();
