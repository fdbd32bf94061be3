-- Per-address view budgets, and record_product_view for the server only.
--
-- Listings are free, so a cap per product alone lets one address add views in proportion to the
-- number of products a seller lists; and accounts are free, so a cap that applies only to anonymous
-- views lets puppet accounts from one address multiply it. Now:
--   * only the server (service_role) records views. It passes the verified user (or the signed
--     anonymous session) and keyed hashes of the client's address: for IPv4 the address, for IPv6 its
--     /64, /56 and /48 (most specific first), each with its budget;
--   * one address adds at most its budget of views per seller and month (signed-in and anonymous alike),
--     at every level of the IPv6 nesting, besides the cap of private.view_cap_per_client() views per
--     product and month for the most specific key;
--   * an anonymous view without a known address never counts.
-- Budgets are exact under concurrency: the address's keys are locked (transaction advisory locks, the
-- broadest first, so two calls never wait on each other in a cycle) before the counters are read, and
-- the counters change in the same transaction as the view.

create table private.view_budgets (
  client_key text not null constraint view_budgets_client_key_length check (char_length(client_key) between 1 and 128),
  seller_id uuid not null,
  view_month date not null,
  views integer not null check (views >= 0),
  primary key (client_key, seller_id, view_month)
);
create index view_budgets_view_month_idx on private.view_budgets (view_month);
comment on table private.view_budgets is
  'Views each address key added per seller and month (record_product_view''s per-seller budget). Months before the last are deleted as calls go by.';
alter table private.view_budgets enable row level security;
revoke all on table private.view_budgets from anon, authenticated;

-- The default budget of one address key per seller and month, when the server passes none.
create function private.view_budget_per_seller()
  returns integer
  language sql immutable set search_path = ''
as $$ select 20 $$;

-- The expired-window sweep also drops view budgets of months before the last one.
create or replace function private.delete_expired_rate_limit_windows(p_max integer)
  returns integer
  language sql volatile set search_path = ''
as $$
  with expired as (
    select w.key from private.rate_limit_windows w
     where w.expires_at < now()
     order by w.expires_at
     limit p_max
       for update skip locked
  ), gone as (
    delete from private.rate_limit_windows w using expired e where w.key = e.key returning 1
  ), old_budgets as (
    select b.client_key, b.seller_id, b.view_month from private.view_budgets b
     where b.view_month < (private.leaderboard_month_start(now()) - interval '1 month')::date
     limit p_max
       for update skip locked
  ), budgets_gone as (
    delete from private.view_budgets b using old_budgets o
     where (b.client_key, b.seller_id, b.view_month) = (o.client_key, o.seller_id, o.view_month)
    returning 1
  )
  select ((select count(*) from gone) + (select count(*) from budgets_gone))::integer;
$$;

drop function public.record_product_view(uuid, uuid, text);

-- True when the view counted. The viewer is p_session_id (an anonymous shopper's signed
-- viewer_session) or p_user_id (a user the server verified), exactly one of them (p_session_id stays
-- the second parameter, where it always was). p_client_keys: keyed hashes of
-- the client's address, most specific first (at most 3), or null when the address is unknown;
-- p_seller_budgets: the budget of each key per seller and month (default
-- private.view_budget_per_seller() each). Views of a product that is not active, a seller's views of
-- their own products, repeats, views beyond a cap or budget and anonymous views without an address
-- are accepted and answer false. A product the viewer may not see (or that does not exist) raises PT404.
create function public.record_product_view(
  p_product_id uuid,
  p_session_id uuid default null,
  p_client_keys text[] default null,
  p_seller_budgets integer[] default null,
  p_user_id uuid default null)
  returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_keys constant integer := coalesce(cardinality(p_client_keys), 0);
  v_month date := private.leaderboard_month_start(now()); -- product_views.view_month of a view now
  v_product record;
  v_used integer;
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
  if v_keys > 3 or array_position(p_client_keys, null) is not null
     or (select count(distinct k) from unnest(p_client_keys) k) <> v_keys
     or (p_seller_budgets is not null and (cardinality(p_seller_budgets) <> v_keys
         or array_position(p_seller_budgets, null) is not null
         or exists (select 1 from unnest(p_seller_budgets) b where b < 0))) then
    raise exception 'p_client_keys: at most 3 distinct keys; p_seller_budgets: one budget of 0 or more per key'
      using errcode = 'invalid_parameter_value';
  end if;
  select p.seller_id, p.status into v_product from public.products p where p.id = p_product_id;
  if not found or (v_product.status = 'draft' and v_product.seller_id is distinct from p_user_id) then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_product.status <> 'active' or v_product.seller_id = p_user_id then
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
grant execute on function public.record_product_view(uuid, uuid, text[], integer[], uuid) to service_role;
comment on function public.record_product_view(uuid, uuid, text[], integer[], uuid) is
  'Records a product view for the server (service_role only): true when it counted. Per-product cap and per-seller budgets per address key and month.';
