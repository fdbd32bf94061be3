-- Supabase's Security and Performance Advisors (`npm run db:advisors`; tests/db/advisor-rules.test.ts
-- checks the same rules on the catalogue):
--   * products: one permissive SELECT policy per role instead of two (lint 0006);
--   * exclude_seller, include_seller, get_my_top_products: the privileged body moves to schema private
--     (which the API does not expose); public keeps a security invoker function of the same name and
--     signature that calls it, so callers and grants do not change (lints 0028/0029);
--   * leaderboard_time_zone fixes its search_path (lint 0011);
--   * seller_exclusions: indexes for the two foreign keys to users (lint 0001);
--   * products_sold_at_idx dropped: no query reads products by (seller_id, sold_at) (lint 0005; the
--     other indexes it reports on a fresh database are used, see supabase/README.md).

-- ---------------------------------------------------------------------------------------------
-- products: anyone reads listed products; a seller also reads their own drafts.
-- ---------------------------------------------------------------------------------------------
drop policy "anyone reads listed products" on public.products;
drop policy "sellers read their own products" on public.products;
create policy "anyone reads listed products, sellers also their own" on public.products
  for select to anon, authenticated
  using (status in ('active', 'sold') or seller_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Moderation: the bodies as they were, now in private.
-- ---------------------------------------------------------------------------------------------
create function private.exclude_seller(p_seller_id uuid, p_reason text) returns void
  language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.require_leaderboard_admin('exclude a seller');
  if p_seller_id is null or p_reason is null or btrim(p_reason) = '' then
    raise exception 'a seller and a reason are required' using errcode = 'invalid_parameter_value';
  end if;
  -- Excluding a seller who is excluded already restates the standing exclusion (who, why, when).
  insert into public.seller_exclusions (seller_id, excluded_by, reason)
  values (p_seller_id, (select u.id from public.users u where u.id = auth.uid()), btrim(p_reason))
  on conflict (seller_id) where included_at is null do update
    set excluded_by = excluded.excluded_by, reason = excluded.reason, excluded_at = excluded.excluded_at;
end;
$$;
comment on function private.exclude_seller(uuid, text) is
  'The body of public.exclude_seller (security definer: writes seller_exclusions, which no API role may).';

create function private.include_seller(p_seller_id uuid) returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.require_leaderboard_admin('re-include a seller');
  -- The record stays: stamped with who re-included the seller, and when.
  update public.seller_exclusions x
     set included_at = now(), included_by = (select u.id from public.users u where u.id = auth.uid())
   where x.seller_id = p_seller_id and x.included_at is null;
  return found;
end;
$$;
comment on function private.include_seller(uuid) is
  'The body of public.include_seller (security definer: writes seller_exclusions, which no API role may).';

grant execute on function private.exclude_seller(uuid, text), private.include_seller(uuid)
  to authenticated, service_role;

create or replace function public.exclude_seller(p_seller_id uuid, p_reason text) returns void
  language sql volatile security invoker set search_path = ''
  return private.exclude_seller(p_seller_id, p_reason);

create or replace function public.include_seller(p_seller_id uuid) returns boolean
  language sql volatile security invoker set search_path = ''
  return private.include_seller(p_seller_id);

-- ---------------------------------------------------------------------------------------------
-- The dashboard's top products: counts product_views, which no API role may read (it holds who
-- viewed what), so the body stays security definer, in private.
-- ---------------------------------------------------------------------------------------------
create function private.get_my_top_products(p_limit integer)
  returns table (id uuid, title text, status text, price numeric, views_month integer, views_all_time integer)
  language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := private.signed_in_user('see your products');
  v_month constant date := private.leaderboard_month_start(now());
begin
  perform private.check_between('p_limit', p_limit, 1, 50);
  return query
  select p.id, p.title, p.status, p.price, c.views_month, c.views_all_time
    from public.products p
    cross join lateral (
      select (count(*) filter (where v.view_month = v_month))::integer as views_month,
             count(*)::integer as views_all_time
        from public.product_views v where v.product_id = p.id
    ) c
   where p.seller_id = v_user and c.views_month > 0
   order by c.views_month desc, c.views_all_time desc, p.title, p.id
   limit p_limit;
end;
$$;
comment on function private.get_my_top_products(integer) is
  'The body of public.get_my_top_products (security definer: counts product_views for the caller''s products).';
grant execute on function private.get_my_top_products(integer) to authenticated;

create or replace function public.get_my_top_products(p_limit integer default 5)
  returns table (id uuid, title text, status text, price numeric, views_month integer, views_all_time integer)
  language sql stable security invoker set search_path = ''
as $$
  select * from private.get_my_top_products(p_limit);
$$;

-- ---------------------------------------------------------------------------------------------
-- The time zone: a fixed search_path (the body names no object; callers on a hot path write 'UTC').
-- ---------------------------------------------------------------------------------------------
alter function public.leaderboard_time_zone() set search_path = '';

-- ---------------------------------------------------------------------------------------------
-- Indexes: the moderation history's references to users (a user's deletion looks them up), and
-- one index no query uses.
-- ---------------------------------------------------------------------------------------------
create index seller_exclusions_excluded_by_idx on public.seller_exclusions (excluded_by)
  where excluded_by is not null;
create index seller_exclusions_included_by_idx on public.seller_exclusions (included_by)
  where included_by is not null;
drop index public.products_sold_at_idx;
