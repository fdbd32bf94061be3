-- Product functions: the only way the app reads and writes products (Supabase RPC).
--
-- Every function here is `security invoker`: it runs as the caller's API role with RLS applying, so
-- it can never show or change more than the caller could with plain SQL. None takes a user id: the
-- caller is auth.uid(). `search_path = ''` and schema-qualified names everywhere.
--
-- Errors the app's seam maps to HTTP statuses:
--   PT401  the function needs a signed-in user and auth.uid() is null
--   PT404  the product does not exist or the caller may not see it
--   PT403  the caller may see the product but not change it
--   PT409  a conflicting change (deleting a sold product)
--   22023  invalid parameter (limit/offset out of range, creating a product as sold)
-- Constraint violations (23514 check, 23502 not null, 22P02, 22001, 22003) pass through with their
-- constraint names (products_title_check, products_price_check, ...) and surface as 400.
--
-- A new function is executable by its owner only (default privileges, 20260101000100_marketplace_schema.sql):
-- each grants execute to the roles it is meant for.

-- ---------------------------------------------------------------------------------------------
-- Two checks the functions here and in later files share (in private: not part of the API; granted to
-- the roles whose security-invoker functions call them).
-- ---------------------------------------------------------------------------------------------
-- The caller, auth.uid(); PT401 'sign in to <p_doing>' when nobody is signed in.
create function private.signed_in_user(p_doing text) returns uuid
  language plpgsql stable set search_path = ''
as $$
declare
  v_user constant uuid := auth.uid();
begin
  if v_user is null then
    raise exception 'sign in to %', p_doing using errcode = 'PT401';
  end if;
  return v_user;
end;
$$;
grant execute on function private.signed_in_user(text) to authenticated;

-- 22023 '<p_name> must be between <p_min> and <p_max> (got <p_value>)' unless p_value is in the range.
create function private.check_between(p_name text, p_value integer, p_min integer, p_max integer) returns void
  language plpgsql stable set search_path = ''
as $$
begin
  if p_value is null or p_value not between p_min and p_max then
    raise exception '% must be between % and % (got %)', p_name, p_min, p_max, coalesce(p_value::text, 'null')
      using errcode = '22023';
  end if;
end;
$$;
grant execute on function private.check_between(text, integer, integer, integer) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- product_view_total: the exact count of counted views of one product.
--
-- products has deliberately no view counter (a viral product must not lock its own row on every view),
-- so the read functions derive the figure from product_views, here. Clients have no grant on
-- product_views (it holds who viewed what), so this small `security definer` helper counts for them.
-- It reveals only the number, and only for a product the caller could see anyway: a listed product
-- (active or sold), the caller's own product, or any product for the server (service_role claim).
-- ---------------------------------------------------------------------------------------------
create function public.product_view_total(p_product_id uuid)
  returns integer
  language sql stable security definer set search_path = ''
as $$
  select case
    when exists (
      select 1 from public.products p
      where p.id = p_product_id
        and (p.status in ('active', 'sold')
             or p.seller_id = (select auth.uid())
             or (select auth.jwt() ->> 'role') = 'service_role')
    )
    then (select count(*) from public.product_views v where v.product_id = p_product_id)::integer
    else 0
  end
$$;
comment on function public.product_view_total(uuid) is
  'Counted views of a product the caller may see (0 otherwise). The one source of a product''s view figure (products has no view counter).';
grant execute on function public.product_view_total(uuid) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- private.product_rows: the product row every product function returns (the product, its seller's name
-- and avatar, its counted views), in one place. security_invoker: read as the caller, RLS applying, as the
-- functions' own queries would be; a view is expanded into the query that reads it, so a function's filter
-- (one id, one seller) reaches the products scan and views are counted for the rows returned only.
-- ---------------------------------------------------------------------------------------------
create view private.product_rows with (security_invoker = true) as
  select p.id, p.seller_id, u.display_name as seller_name, u.avatar_url as seller_avatar_url, p.title,
         p.description, p.price, p.status, public.product_view_total(p.id) as views, p.sold_at, p.created_at,
         p.updated_at
    from public.products p
    join public.users u on u.id = p.seller_id;
comment on view private.product_rows is 'The row the product functions return: product, seller name and avatar, counted views.';
revoke all on table private.product_rows from public, anon, authenticated, service_role;
grant select on table private.product_rows to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- list_products: active products, newest first, one page, with the number of active products.
-- ---------------------------------------------------------------------------------------------
create function public.list_products(p_limit integer default 24, p_offset integer default 0)
  returns table (
    id uuid, seller_id uuid, seller_name text, seller_avatar_url text, title text, description text,
    price numeric, status text, views integer, sold_at timestamptz, created_at timestamptz,
    updated_at timestamptz, total_count integer
  )
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
begin
  if p_limit is null or p_limit < 1 or p_limit > 100 then
    raise exception 'p_limit must be between 1 and 100 (got %)', p_limit using errcode = '22023';
  end if;
  if p_offset is null or p_offset < 0 then
    raise exception 'p_offset must be 0 or more (got %)', p_offset using errcode = '22023';
  end if;

  -- One statement, one snapshot: the page and its total agree. View counts are derived for the
  -- page's rows only (the inner query limits first).
  return query
  select r.*, page.total_count
  from (
    select p.id, p.created_at, (count(*) over ())::integer as total_count
    from public.products p
    where p.status = 'active'
    order by p.created_at desc, p.id desc
    limit p_limit offset p_offset
  ) page
  join private.product_rows r on r.id = page.id
  order by page.created_at desc, page.id desc;
end;
$$;
grant execute on function public.list_products(integer, integer) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- get_product: one product the caller may see (listed, or their own draft).
-- ---------------------------------------------------------------------------------------------
create function public.get_product(p_product_id uuid)
  returns table (
    id uuid, seller_id uuid, seller_name text, seller_avatar_url text, title text, description text,
    price numeric, status text, views integer, sold_at timestamptz, created_at timestamptz,
    updated_at timestamptz
  )
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
begin
  return query select r.* from private.product_rows r where r.id = p_product_id;
  if not found then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
end;
$$;
grant execute on function public.get_product(uuid) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- list_my_products: the caller's products, every status, newest first.
-- ---------------------------------------------------------------------------------------------
create function public.list_my_products()
  returns table (
    id uuid, seller_id uuid, seller_name text, seller_avatar_url text, title text, description text,
    price numeric, status text, views integer, sold_at timestamptz, created_at timestamptz,
    updated_at timestamptz
  )
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid constant uuid := private.signed_in_user('list your products');
begin
  return query
  select r.* from private.product_rows r where r.seller_id = v_uid order by r.created_at desc, r.id desc;
end;
$$;
grant execute on function public.list_my_products() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- create_product: a new listing of the caller's, as a draft or active (never created as sold).
-- seller_id comes from its column default, auth.uid(); RLS checks it again.
-- ---------------------------------------------------------------------------------------------
create function public.create_product(
  p_title text,
  p_description text default '',
  p_price numeric default 0,
  p_status text default 'draft'
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
  v_uid constant uuid := private.signed_in_user('create a product');
  v_id uuid;
begin
  if p_status is null or p_status not in ('draft', 'active') then
    raise exception 'a new product is created as draft or active (got %)', coalesce(p_status, 'null')
      using errcode = '22023';
  end if;

  insert into public.products (title, description, price, status)
  values (p_title, p_description, p_price, p_status)
  returning public.products.id into v_id;

  return query select r.* from private.product_rows r where r.id = v_id;
end;
$$;
grant execute on function public.create_product(text, text, numeric, text) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- product_owned_by_caller: the ownership check of update_product and delete_product. The caller must be
-- signed in (PT401), see the product (PT404; RLS decides) and be its seller (PT403); then the row is
-- locked and returned as it is now (it may have gone meanwhile: PT404). p_action names what the caller
-- tries ('edit', 'delete') in the messages.
-- ---------------------------------------------------------------------------------------------
create function private.product_owned_by_caller(p_product_id uuid, p_action text)
  returns public.products
  language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_uid constant uuid := private.signed_in_user(p_action || ' a product');
  v_seller uuid;
  v_cur public.products;
begin
  -- Visible at all? (RLS decides.) Then: the caller's own?
  select p.seller_id into v_seller from public.products p where p.id = p_product_id;
  if not found then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_seller <> v_uid then
    raise exception 'only the seller can % this product', p_action using errcode = 'PT403';
  end if;
  -- Lock the row and read its current values (it may have gone meanwhile).
  select p.* into v_cur from public.products p where p.id = p_product_id for update;
  if not found then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  return v_cur;
end;
$$;
grant execute on function private.product_owned_by_caller(uuid, text) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- update_product: the owner edits title, description, price and/or status; null means unchanged.
--
-- Only fields that actually change are written, and status in a statement of its own only when it
-- changes, so a no-op keeps updated_at and never fires the status/sold_at (leaderboard) triggers.
-- sold_at follows status (products_set_sold_at).
-- ---------------------------------------------------------------------------------------------
create function public.update_product(
  p_product_id uuid,
  p_title text default null,
  p_description text default null,
  p_price numeric default null,
  p_status text default null
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
begin
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

  return query select r.* from private.product_rows r where r.id = p_product_id;
end;
$$;
grant execute on function public.update_product(uuid, text, text, numeric, text) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- delete_product: the owner deletes a product that is not sold; returns its id.
-- A sold product is part of the sales record: unsell it first (a deliberate, visible change).
-- ---------------------------------------------------------------------------------------------
create function public.delete_product(p_product_id uuid)
  returns uuid
  language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_status text;
  v_id uuid;
begin
  v_status := (private.product_owned_by_caller(p_product_id, 'delete')).status;
  if v_status = 'sold' then
    raise exception 'a sold product cannot be deleted' using errcode = 'PT409',
      hint = 'Mark it as active or draft first.';
  end if;

  delete from public.products p where p.id = p_product_id returning p.id into v_id;
  if v_id is null then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  return v_id;
end;
$$;
grant execute on function public.delete_product(uuid) to authenticated;
