-- record_product_view, the one call behind every view request, does the same work in fewer statements
-- and plans them once per connection:
--   * the argument checks are plain expressions (they ran two subqueries over the arrays);
--   * the product, the month and whether the viewer already viewed it this month come in one statement;
--   * the per-product cap and every key's budget are checked in one statement (one per key before);
--   * set plan_cache_mode = force_generic_plan: PL/pgSQL kept planning its parameterised statements
--     again for each call (custom plans), which cost more than the statements themselves once they were
--     merged. Measured back to back on one connection (1,000 sellers, 5,000 products, a new address key
--     per view): 0.547 ms a call before, 0.51 after, the median of six alternating rounds.
-- What it decides is unchanged (20261207200000_view_rate_limit_in_one_call.sql).

create or replace function public.record_product_view(
  p_product_id uuid,
  p_session_id uuid default null,
  p_client_keys text[] default null,
  p_seller_budgets integer[] default null,
  p_user_id uuid default null,
  p_rate_key text default null,
  p_rate_limit integer default null)
  returns boolean
  language plpgsql volatile security definer set search_path = '' set plan_cache_mode = force_generic_plan
as $$
declare
  v_keys constant integer := coalesce(cardinality(p_client_keys), 0);
  v_viewer constant uuid := coalesce(p_user_id, p_session_id);
  v_month date;
  v_seller uuid;
  v_status text;
  v_repeat boolean;
  v_wait integer;
  v_id bigint;
  i integer;
begin
  if p_product_id is null then
    raise exception 'product id is required' using errcode = 'invalid_parameter_value';
  end if;
  if (p_user_id is null) = (p_session_id is null) then
    raise exception 'a viewer is required: p_user_id or p_session_id, not both'
      using errcode = 'invalid_parameter_value';
  end if;
  -- Plain expressions, no subqueries: at most 3 keys, none null and no two alike; a budget of 0 or more
  -- for each key when budgets are given.
  if v_keys > 3 or array_position(p_client_keys, null) is not null
     or p_client_keys[1] = p_client_keys[2] or p_client_keys[1] = p_client_keys[3]
     or p_client_keys[2] = p_client_keys[3]
     or (p_seller_budgets is not null and (coalesce(cardinality(p_seller_budgets), 0) <> v_keys
         or array_position(p_seller_budgets, null) is not null or 0 > any (p_seller_budgets))) then
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
  -- The product, and whether this viewer already viewed it this month (a reload, the common case, answers
  -- before any lock is taken or budget read), in one statement. view_month as product_views computes it.
  select p.seller_id, p.status, m.month,
         exists (select from public.product_views v
                  where v.product_id = p.id and coalesce(v.user_id, v.session_id) = v_viewer
                    and v.view_month = m.month)
    into v_seller, v_status, v_month, v_repeat
    from public.products p
   cross join (select (date_trunc('month', now() at time zone public.leaderboard_time_zone()))::date as month) m
   where p.id = p_product_id;
  if not found or (v_status = 'draft' and v_seller is distinct from p_user_id) then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_status <> 'active' or v_seller = p_user_id or v_repeat then
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
      perform pg_advisory_xact_lock(hashtextextended('view-budget/' || v_seller::text || '/' || p_client_keys[i], 0));
    end loop;
    perform pg_advisory_xact_lock(hashtextextended(p_product_id::text || '/' || p_client_keys[1], 0));
    -- The per-product cap of the narrowest key, then every key's budget with this seller, in one statement.
    if (select count(*) from public.product_views v
         where v.product_id = p_product_id and v.client_key = p_client_keys[1] and v.view_month = v_month)
         >= private.view_cap_per_client()
       or exists (select from unnest(p_client_keys, p_seller_budgets) k(key, budget)
                   left join private.view_budgets b
                     on b.client_key = k.key and b.seller_id = v_seller and b.view_month = v_month
                  where coalesce(b.views, 0) >= coalesce(k.budget, private.view_budget_per_seller())) then
      return false;
    end if;
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
    select k, v_seller, v_month, 1 from unnest(p_client_keys) k
    on conflict (client_key, seller_id, view_month) do update set views = b.views + 1;
  end if;
  return true;
end;
$$;
