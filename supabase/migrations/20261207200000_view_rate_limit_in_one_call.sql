-- A view request costs one database call: record_product_view also counts the client's requests a
-- minute (the fixed window of private.take_rate_limit, under the key and limit the server passes), which
-- the server took in a call of its own before: two calls made the limits cost far more than their 10%
-- of the view path's throughput (docs/performance.md, "Limits").
--
-- A request beyond the limit raises PT429 with the seconds to wait in its detail (Retry-After); its
-- transaction rolls back, which leaves the window's count at the limit, so it stays refused. A request
-- for an unknown product raises PT404 and spends no budget either: like a refused request it costs one
-- index lookup and writes nothing.
--
-- A repeat view (same viewer, product and month) now answers false before the advisory locks and the
-- budget reads: they bound views that count, and a repeat never counts.

drop function public.record_product_view(uuid, uuid, text[], integer[], uuid);

-- As before (20261207150100_view_budgets.sql), plus p_rate_key and p_rate_limit: when the key is given,
-- at most p_rate_limit calls a minute under it.
create function public.record_product_view(
  p_product_id uuid,
  p_session_id uuid default null,
  p_client_keys text[] default null,
  p_seller_budgets integer[] default null,
  p_user_id uuid default null,
  p_rate_key text default null,
  p_rate_limit integer default null)
  returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_keys constant integer := coalesce(cardinality(p_client_keys), 0);
  v_month date := private.leaderboard_month_start(now()); -- product_views.view_month of a view now
  v_product record;
  v_used integer;
  v_id bigint;
  v_wait integer;
  i integer;
begin
  if p_product_id is null then
    raise exception 'product id is required' using errcode = 'invalid_parameter_value';
  end if;
  if (p_user_id is null) = (p_session_id is null) then
    raise exception 'a viewer is required: p_user_id or p_session_id, not both'
      using errcode = 'invalid_parameter_value';
  end if;
  if v_keys > 3 or array_position(p_client_keys, null) is not null
     or (select count(distinct k) from unnest(p_client_keys) k) <> v_keys
     or (p_seller_budgets is not null and (cardinality(p_seller_budgets) <> v_keys
         or array_position(p_seller_budgets, null) is not null
         or exists (select 1 from unnest(p_seller_budgets) b where b < 0))) then
    raise exception 'p_client_keys: at most 3 distinct keys; p_seller_budgets: one budget of 0 or more per key'
      using errcode = 'invalid_parameter_value';
  end if;
  -- The client's requests a minute, counted before anything else (a refused request writes nothing).
  if p_rate_key is not null then
    v_wait := private.take_rate_limit(p_rate_key, p_rate_limit, 60);
    if v_wait > 0 then
      raise exception 'Too many views from your address. Try again in a minute.'
        using errcode = 'PT429', detail = v_wait::text;
    end if;
  end if;
  select p.seller_id, p.status into v_product from public.products p where p.id = p_product_id;
  if not found or (v_product.status = 'draft' and v_product.seller_id is distinct from p_user_id) then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_product.status <> 'active' or v_product.seller_id = p_user_id then
    return false;
  end if;
  -- A repeat (the common case: a reload) answers before any lock is taken or budget read.
  if exists (select from public.product_views v
              where v.product_id = p_product_id and coalesce(v.user_id, v.session_id) = coalesce(p_user_id, p_session_id)
                and v.view_month = v_month) then
    return false;
  end if;
  if v_keys = 0 then
    -- Address unknown: an anonymous view never counts (nothing would bound it).
    if p_user_id is null then
      return false;
    end if;
  else
    -- Broadest key first (the same order in every call), then the product's cap key.
    for i in reverse v_keys..1 loop
      perform pg_advisory_xact_lock(
        hashtextextended('view-budget/' || v_product.seller_id::text || '/' || p_client_keys[i], 0));
    end loop;
    perform pg_advisory_xact_lock(hashtextextended(p_product_id::text || '/' || p_client_keys[1], 0));
    if (select count(*) from public.product_views v
         where v.product_id = p_product_id and v.client_key = p_client_keys[1] and v.view_month = v_month)
       >= private.view_cap_per_client() then
      return false;
    end if;
    for i in 1..v_keys loop
      select b.views into v_used from private.view_budgets b
       where b.client_key = p_client_keys[i] and b.seller_id = v_product.seller_id and b.view_month = v_month;
      if coalesce(v_used, 0) >= coalesce(p_seller_budgets[i], private.view_budget_per_seller()) then
        return false;
      end if;
    end loop;
  end if;
  insert into public.product_views (product_id, user_id, session_id, client_key)
  values (p_product_id, p_user_id, p_session_id, p_client_keys[1])
  on conflict (product_id, (coalesce(user_id, session_id)), view_month) do nothing
  returning id into v_id;
  if v_id is null then
    return false; -- a repeat: it spends no budget
  end if;
  if v_keys > 0 then
    insert into private.view_budgets as b (client_key, seller_id, view_month, views)
    select k, v_product.seller_id, v_month, 1 from unnest(p_client_keys) k
    on conflict (client_key, seller_id, view_month) do update set views = b.views + 1;
  end if;
  return true;
end;
$$;
grant execute on function public.record_product_view(uuid, uuid, text[], integer[], uuid, text, integer) to service_role;
comment on function public.record_product_view(uuid, uuid, text[], integer[], uuid, text, integer) is
  'Records a product view for the server (service_role only): true when it counted. Rate limit per client key and minute (PT429), per-product cap and per-seller budgets per address key and month.';
