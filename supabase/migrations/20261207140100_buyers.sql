-- Buyers through the API: the seller names who bought at "Mark as sold" (update_product's p_buyer_id,
-- among list_buyer_candidates), the named buyer answers (respond_to_sale), admins list the disputed sales
-- (list_disputed_sales), both sides see the sales between them (list_my_sales_with_buyers), and the
-- dashboard's sales in three parts with the conversations waiting for an answer (get_my_sales_summary).
-- Drift and the rebuild count from public.sales; sales_cap_violations() checks the cap.
-- Errors: PT401 signed out, PT404 not visible / not the named buyer, PT409 a conflicting change, 22023 bad
-- parameter (lib/db/errors.ts maps them).

-- ---------------------------------------------------------------------------------------------
-- Who can be named as the buyer of a product: the people who wrote to its seller about it.
-- ---------------------------------------------------------------------------------------------
create function public.list_buyer_candidates(p_product_id uuid)
  returns table (user_id uuid, display_name text, last_message_at timestamptz)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid constant uuid := private.signed_in_user('see who wrote about your product');
  v_seller uuid;
begin
  select p.seller_id into v_seller from public.products p where p.id = p_product_id;
  if not found then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_seller <> v_uid then
    raise exception 'only the seller can see who wrote about this product' using errcode = 'PT403';
  end if;
  -- RLS shows the caller the messages they received.
  return query
  select m.sender_id, u.display_name, max(m.created_at)
    from public.messages m join public.users u on u.id = m.sender_id
   where m.product_id = p_product_id and m.recipient_id = v_uid and m.sender_id <> v_uid
   group by m.sender_id, u.display_name
   order by max(m.created_at) desc, m.sender_id;
end;
$$;
grant execute on function public.list_buyer_candidates(uuid) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- update_product: as before, plus p_buyer_id, the buyer named when the product becomes sold (only then).
-- ---------------------------------------------------------------------------------------------
drop function public.update_product(uuid, text, text, numeric, text);

create function public.update_product(
  p_product_id uuid,
  p_title text default null,
  p_description text default null,
  p_price numeric default null,
  p_status text default null,
  p_buyer_id uuid default null
)
  returns table (
    id uuid, seller_id uuid, seller_name text, seller_avatar_url text, title text, description text,
    price numeric, status text, views integer, sold_at timestamptz, created_at timestamptz,
    updated_at timestamptz
  )
  language plpgsql volatile security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_cur constant public.products := private.product_owned_by_caller(p_product_id, 'edit');
  v_names text;
begin
  if p_buyer_id is not null then
    if v_cur.status = 'sold' then
      raise exception 'the buyer is named when the product is marked sold: to correct it, undo the sale and sell it again'
        using errcode = 'PT409';
    end if;
    if p_status is distinct from 'sold' then
      raise exception 'a buyer can only be named with status sold' using errcode = '22023';
    end if;
    if p_buyer_id = v_cur.seller_id then
      raise exception 'you cannot name yourself as the buyer' using errcode = 'PT409';
    end if;
    if not exists (select from public.messages m
                    where m.sender_id = p_buyer_id and m.recipient_id = v_cur.seller_id and m.product_id = p_product_id) then
      select string_agg(c.display_name, ', ' order by c.display_name) into v_names
        from public.list_buyer_candidates(p_product_id) c;
      if v_names is null then
        raise exception 'only someone who wrote to you about this product can be named as its buyer, and nobody has yet: choose "Sold elsewhere"'
          using errcode = 'PT409';
      end if;
      raise exception 'only someone who wrote to you about this product can be named as its buyer: %', v_names
        using errcode = 'PT409';
    end if;
    -- For private.record_sale, in this transaction and for this product only.
    perform set_config('sales.buyer_product', p_product_id::text, true),
            set_config('sales.buyer_id', p_buyer_id::text, true);
  end if;

  if (coalesce(p_title, v_cur.title), coalesce(p_description, v_cur.description),
      coalesce(p_price, v_cur.price))
     is distinct from (v_cur.title, v_cur.description, v_cur.price) then
    update public.products p
    set title = coalesce(p_title, p.title),
        description = coalesce(p_description, p.description),
        price = coalesce(p_price, p.price)
    where p.id = p_product_id;
  end if;

  if p_status is not null and p_status is distinct from v_cur.status then
    update public.products p set status = p_status where p.id = p_product_id;
  end if;
  if p_buyer_id is not null then
    perform set_config('sales.buyer_product', '', true), set_config('sales.buyer_id', '', true);
  end if;

  return query select r.* from private.product_rows r where r.id = p_product_id;
end;
$$;
grant execute on function public.update_product(uuid, text, text, numeric, text, uuid) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- The buyer's answer: "confirm" or "not_me" (within 14 days of sold_at), once and for good.
-- ---------------------------------------------------------------------------------------------
create function private.respond_to_sale(p_product_id uuid, p_response text)
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
grant execute on function private.respond_to_sale(uuid, text) to authenticated;

-- The API entry (security invoker; the write itself is private.respond_to_sale's, for the named buyer only).
create function public.respond_to_sale(p_product_id uuid, p_response text)
  returns table (product_id uuid, buyer_response text, responded_at timestamptz, counts boolean)
  language sql volatile security invoker set search_path = ''
as $$
  select * from private.respond_to_sale(p_product_id, p_response)
$$;
grant execute on function public.respond_to_sale(uuid, text) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- The sales between the caller and someone else, as buyer or seller (current sales with a buyer).
-- ---------------------------------------------------------------------------------------------
create function public.list_my_sales_with_buyers()
  returns table (product_id uuid, product_title text, seller_id uuid, seller_name text, buyer_id uuid,
                 buyer_name text, sold_at timestamptz, counts boolean, buyer_response text,
                 responded_at timestamptz, not_me_until timestamptz)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid constant uuid := private.signed_in_user('see your sales');
begin
  -- RLS shows a sale to its buyer and seller; products and profiles of a sale are listed (sold) ones.
  return query
  select s.product_id, p.title, s.seller_id, su.display_name, s.buyer_id, bu.display_name, s.sold_at,
         private.sale_counts(s.ranks, s.buyer_response, s.undone_at), s.buyer_response, s.responded_at,
         s.sold_at + private.sales_answer_window()
    from public.sales s
    join public.products p on p.id = s.product_id
    join public.users su on su.id = s.seller_id
    join public.users bu on bu.id = s.buyer_id
   where s.undone_at is null and v_uid in (s.seller_id, s.buyer_id)
   order by s.sold_at desc, s.product_id;
end;
$$;
grant execute on function public.list_my_sales_with_buyers() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- The dashboard's sales in three parts (current sales, all time) and "people asking": conversations
-- about the caller's products whose latest message is the other person's (waiting for the caller's reply).
-- ---------------------------------------------------------------------------------------------
create function public.get_my_sales_summary()
  returns table (sold_ranked integer, sold_not_ranked integer, sold_elsewhere integer, people_asking integer)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid constant uuid := private.signed_in_user('see your dashboard');
begin
  return query
  select
    (count(*) filter (where private.sale_counts(s.ranks, s.buyer_response, s.undone_at)))::integer,
    (count(*) filter (where not private.sale_counts(s.ranks, s.buyer_response, s.undone_at)
                        and (s.buyer_id is not null or s.buyer_response is not null or s.cap_month is not null)))::integer,
    (count(*) filter (where not private.sale_counts(s.ranks, s.buyer_response, s.undone_at)
                        and s.buyer_id is null and s.buyer_response is null and s.cap_month is null))::integer,
    (select count(*)::integer from (
       select distinct on (m.product_id, m.other) m.sender_id
         from (select mm.product_id, mm.sender_id, mm.created_at, mm.id,
                      case when mm.sender_id = v_uid then mm.recipient_id else mm.sender_id end as other
                 from public.messages mm
                 join public.products p on p.id = mm.product_id and p.seller_id = v_uid
                where v_uid in (mm.sender_id, mm.recipient_id)) m
        order by m.product_id, m.other, m.created_at desc, m.id desc
     ) latest where latest.sender_id <> v_uid)
  from public.sales s
  where s.seller_id = v_uid and s.undone_at is null;
end;
$$;
grant execute on function public.get_my_sales_summary() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Moderation: the sales their buyers disputed ("Not me"), for admins and service_role.
-- ---------------------------------------------------------------------------------------------
create function private.disputed_sales()
  returns table (product_id uuid, product_title text, seller_id uuid, seller_name text, buyer_id uuid,
                 buyer_name text, sold_at timestamptz, responded_at timestamptz, undone_at timestamptz)
  language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
begin
  perform private.require_leaderboard_admin('list disputed sales');
  return query
  select s.product_id, p.title, s.seller_id, su.display_name, s.buyer_id, bu.display_name, s.sold_at,
         s.responded_at, s.undone_at
    from public.sales s
    join public.products p on p.id = s.product_id
    left join public.users su on su.id = s.seller_id
    left join public.users bu on bu.id = s.buyer_id
   where s.buyer_response = 'not_me'
   order by s.responded_at desc, s.id;
end;
$$;
grant execute on function private.disputed_sales() to authenticated, service_role;

create function public.list_disputed_sales()
  returns table (product_id uuid, product_title text, seller_id uuid, seller_name text, buyer_id uuid,
                 buyer_name text, sold_at timestamptz, responded_at timestamptz, undone_at timestamptz)
  language sql stable security invoker set search_path = ''
as $$
  select * from private.disputed_sales()
$$;
comment on function public.list_disputed_sales() is 'Moderation: sales whose named buyer answered "Not me" (admins and service_role).';
grant execute on function public.list_disputed_sales() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Drift and rebuild: the sales figures recomputed from public.sales (the stored decisions).
-- ---------------------------------------------------------------------------------------------
create or replace function private.leaderboard_recomputed()
  returns table (seller_id uuid, year integer, month integer, items_sold integer, total_views integer)
  language sql stable security definer set search_path = ''
as $$
  with monthly as (
    select s.seller_id,
           private.leaderboard_year(s.sold_at) as year,
           private.leaderboard_month(s.sold_at) as month,
           1 as sold, 0 as viewed
      from public.sales s where private.sale_counts(s.ranks, s.buyer_response, s.undone_at)
    union all
    select p.seller_id,
           private.leaderboard_year(v.viewed_at),
           private.leaderboard_month(v.viewed_at),
           0, 1
      from public.product_views v join public.products p on p.id = v.product_id
  )
  select seller_id, year, month, sum(sold)::integer, sum(viewed)::integer
    from monthly group by grouping sets ((seller_id, year, month), (seller_id))
$$;

-- The cap's check: every key (buyer, seller, UTC month) with more than sales_cap() ranked sales. Empty
-- unless someone wrote sales around the rule (admin SQL).
create function public.sales_cap_violations()
  returns table (buyer_id uuid, seller_id uuid, month date, ranked_sales integer)
  language sql stable security definer set search_path = ''
as $$
  select s.buyer_id, s.cap_seller_id, s.cap_month, count(*)::integer
    from public.sales s
   where s.ranks and s.buyer_id is not null and s.cap_month is not null
   group by s.buyer_id, s.cap_seller_id, s.cap_month
  having count(*) > private.sales_cap()
   order by 1, 2, 3
$$;
comment on function public.sales_cap_violations() is
  'Keys (buyer, seller, UTC month) with more ranked sales than the cap allows. Empty when the rule held.';
grant execute on function public.sales_cap_violations() to service_role;
