-- Recording a product view: the one way a view gets into product_views (clients have no grant on the
-- table). The leaderboard counts it through the product_views insert trigger of
-- 20260103000100_leaderboard_write_path.sql, in the same transaction. Also here: trending products, the
-- other reader of recent views.
--
-- Views cannot be inflated from one client address: the server (service_role) passes a keyed hash of the
-- client's address with each anonymous view (p_client_key; never the raw address, and the key lives only on
-- the server). At most private.view_cap_per_client() anonymous views per client key, product and month
-- count: a script that mints a new viewer_session for every request still adds only a handful of views per
-- product, while a household or office behind one address still counts its few real shoppers.
-- The DESIGN.md contract record_product_view(p_product_id uuid, p_session_id uuid default null) holds:
-- p_client_key is an extra, optional parameter honoured only for privileged callers.

-- Serves the cap check (one product, one client, one month); anonymous rows only.
create index product_views_client_cap_idx on public.product_views (product_id, client_key, view_month)
  where client_key is not null;

create function private.view_cap_per_client()
  returns int
  language sql immutable
as $$ select 5 $$;

-- True when the view counted. The viewer is the JWT's user; p_session_id (an anonymous shopper's
-- viewer_session) and p_client_key (keyed hash of their address) are honoured only for privileged
-- callers (service_role: the server), so nobody can mint views with the public key: an anon caller
-- without a user gets 42501. Views of a product that is not active, and a seller's views of their own
-- products, are accepted and answer false. A product the caller may not see (or that does not exist)
-- raises PT404. An anonymous view beyond the client's cap for the product this month answers false.
create function public.record_product_view(p_product_id uuid, p_session_id uuid default null, p_client_key text default null)
  returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_role text := current_setting('role', true);
  v_privileged constant boolean := coalesce(v_role, 'none') not in ('anon', 'authenticated');
  v_user uuid := auth.uid();
  v_session uuid := case when v_privileged then p_session_id end;
  v_client text := case when v_privileged and v_user is null then nullif(p_client_key, '') end;
  v_month date := private.leaderboard_month_start(now()); -- product_views.view_month of a view now
  v_product record;
  v_id bigint;
begin
  if p_product_id is null then
    raise exception 'product id is required' using errcode = 'invalid_parameter_value';
  end if;
  select p.seller_id, p.status into v_product from public.products p where p.id = p_product_id;
  if not found or (v_product.status = 'draft' and v_product.seller_id is distinct from v_user) then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_user is null and v_session is null then
    if v_privileged then
      raise exception 'a viewer is required: a signed-in user or p_session_id'
        using errcode = 'invalid_parameter_value';
    end if;
    raise exception 'anonymous views are recorded by the server' using errcode = 'insufficient_privilege';
  end if;
  if v_product.status <> 'active' or v_product.seller_id = v_user then
    return false;
  end if;
  if v_client is not null then
    -- Serialises one client's views of one product, so concurrent requests cannot all pass the cap.
    perform pg_advisory_xact_lock(hashtextextended(p_product_id::text || '/' || v_client, 0));
    if (select count(*) from public.product_views v
         where v.product_id = p_product_id and v.client_key = v_client and v.view_month = v_month)
       >= private.view_cap_per_client() then
      return false;
    end if;
  end if;
  insert into public.product_views (product_id, user_id, session_id, client_key)
  values (p_product_id, v_user, case when v_user is null then v_session end, v_client)
  on conflict (product_id, (coalesce(user_id, session_id)), view_month) do nothing
  returning id into v_id;
  return v_id is not null;
end;
$$;
grant execute on function public.record_product_view(uuid, uuid, text) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- get_trending_products: active products with the most counted views in the last p_days days.
-- Ties: more views first, then the more recent latest view, then id (stable). Views of products that
-- are not active never count (record_product_view refuses them), and a product that is no longer
-- active is not listed. Anyone may call it; it reveals counts only.
--
-- Served by product_views_viewed_at_product_idx (viewed_at) include (product_id), in the schema: a range
-- scan of the window, index-only, so a large product_views costs the window's rows, not the table's.
-- ---------------------------------------------------------------------------------------------

create function public.get_trending_products(p_days integer default 7, p_limit integer default 10)
  returns table (id uuid, seller_id uuid, seller_name text, title text, price numeric,
                 recent_views integer, last_viewed_at timestamptz)
  language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
begin
  perform private.check_between('p_days', p_days, 1, 365);
  perform private.check_between('p_limit', p_limit, 1, 100);
  return query
  with recent as (
    select v.product_id, count(*)::integer as n, max(v.viewed_at) as last_at
      from public.product_views v
     where v.viewed_at > now() - make_interval(days => p_days)
     group by v.product_id
  )
  select p.id, p.seller_id, u.display_name, p.title, p.price, r.n, r.last_at
    from recent r
    join public.products p on p.id = r.product_id and p.status = 'active'
    join public.users u on u.id = p.seller_id
   order by r.n desc, r.last_at desc, p.id
   limit p_limit;
end;
$$;
grant execute on function public.get_trending_products(integer, integer) to anon, authenticated, service_role;
