-- Recording a product view: the one way a view gets into product_views (clients have no grant on the
-- table). The leaderboard counts it through the product_views insert trigger of
-- 20260103000100_leaderboard_write_path.sql, in the same transaction.

-- True when the view counted. The viewer is the JWT's user; p_session_id (an anonymous shopper's
-- viewer_session) is honoured only for privileged callers (service_role: the server), so nobody can mint
-- views with the public key: an anon caller without a user gets 42501. Views of a product that is not
-- active, and a seller's views of their own products, are accepted and answer false. A product the
-- caller may not see (or that does not exist) raises PT404.
create function public.record_product_view(p_product_id uuid, p_session_id uuid default null)
  returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_role text := current_setting('role', true);
  v_privileged constant boolean := coalesce(v_role, 'none') not in ('anon', 'authenticated');
  v_user uuid := auth.uid();
  v_session uuid := case when v_privileged then p_session_id end;
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
  insert into public.product_views (product_id, user_id, session_id)
  values (p_product_id, v_user, case when v_user is null then v_session end)
  on conflict (product_id, (coalesce(user_id, session_id)), view_month) do nothing
  returning id into v_id;
  return v_id is not null;
end;
$$;
grant execute on function public.record_product_view(uuid, uuid) to anon, authenticated, service_role;
