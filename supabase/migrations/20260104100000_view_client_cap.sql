-- Views that cannot be inflated from one client address (issue 7).
--
-- The server (service_role) passes a keyed hash of the client's address with each anonymous view
-- (p_client_key; never the raw address, and the key lives only on the server). At most
-- private.view_cap_per_client() anonymous views per client key, product and month count: a script that
-- mints a new viewer_session for every request still adds only a handful of views per product, while a
-- household or office behind one address still counts its few real shoppers.
-- The DESIGN.md contract record_product_view(p_product_id uuid, p_session_id uuid default null) keeps
-- working: p_client_key is an extra, optional parameter honoured only for privileged callers.

alter table public.product_views add column client_key text
  constraint product_views_client_key_length check (char_length(client_key) between 1 and 128);

-- Serves the cap check (one product, one client, one month); anonymous rows only.
create index product_views_client_cap_idx on public.product_views (product_id, client_key, view_month)
  where client_key is not null;

create function private.view_cap_per_client()
  returns int
  language sql immutable
as $$ select 5 $$;
revoke execute on function private.view_cap_per_client() from public, anon, authenticated, service_role;

drop function public.record_product_view(uuid, uuid);

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
  v_month date := (date_trunc('month', now() at time zone 'UTC'))::date;
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
revoke execute on function public.record_product_view(uuid, uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.record_product_view(uuid, uuid, text) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Proof of the embedded database (issue 7: demo sign-in only where the app started the database).
-- ---------------------------------------------------------------------------------------------
-- The launcher (and the test setup) writes a random per-start token here and hands the same token to
-- Next.js; demo sign-in and the well-known development secret work only while the database the app
-- talks to answers with that token. Everywhere else the table stays empty, so no environment variable
-- a deployer copies can switch demo sign-in on.
create table private.embedded_instance (
  id boolean primary key default true constraint embedded_instance_one_row check (id),
  token text not null constraint embedded_instance_token_length check (char_length(token) >= 32),
  started_at timestamptz not null default now()
);
alter table private.embedded_instance enable row level security;
revoke all on table private.embedded_instance from public, anon, authenticated, service_role;

create function public.embedded_instance_token()
  returns text
  language sql stable security definer set search_path = ''
as $$ select e.token from private.embedded_instance e where e.id $$;
revoke execute on function public.embedded_instance_token() from public, anon, authenticated, service_role;
grant execute on function public.embedded_instance_token() to service_role;

-- Demo sign-in looks up the one user it signs in (not every user): the server only, as service_role.
create function public.get_demo_user(p_user_id uuid)
  returns table (id uuid, display_name text, avatar_url text)
  language sql stable security invoker set search_path = ''
as $$
  select u.id, u.display_name, u.avatar_url from public.users u where u.id = p_user_id
$$;
revoke execute on function public.get_demo_user(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_demo_user(uuid) to service_role;
