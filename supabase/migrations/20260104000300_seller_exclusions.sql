-- Moderation: an admin can exclude a seller from the boards (issue 7; README "What counts on the leaderboard").
--
-- "Admin" the Supabase way: the JWT's app_metadata.role is 'admin'. app_metadata is set only by the
-- service (the Auth admin API or SQL), never by the user, unlike user_metadata. service_role (the server)
-- may moderate too. seller_exclusions records who excluded whom, why and when; re-including removes the row.
--
-- Exclusion is applied when the boards are read, not in the cache (which keeps every seller's exact
-- figures, so seller_leaderboard_drift() and rebuild_seller_leaderboard_cache() are unaffected): the top-N
-- functions leave excluded sellers out before ranking (so ranks close up), `me` in get_leaderboard_summary
-- and the dashboard's ranks are null for an excluded seller and never count one ahead of anyone.
-- The reads stay exact: excluded sellers are removed from the candidate set and from the cutoff alike.

create table public.seller_exclusions (
  seller_id uuid primary key references public.users (id) on delete cascade,
  -- Null when the server (service_role) or admin SQL excluded the seller.
  excluded_by uuid references public.users (id) on delete set null,
  reason text not null check (char_length(btrim(reason)) between 1 and 500),
  excluded_at timestamptz not null default now()
);
comment on table public.seller_exclusions is
  'Sellers excluded from the leaderboards (moderation): who excluded them, why, when. Written only by exclude_seller/include_seller.';

alter table public.seller_exclusions enable row level security;
revoke all on table public.seller_exclusions from public, anon, authenticated, service_role;
-- The boards read who is excluded (security invoker functions); who and why stay with moderators.
grant select (seller_id) on table public.seller_exclusions to anon, authenticated;
grant select on table public.seller_exclusions to service_role;
create policy "excluded sellers are public" on public.seller_exclusions
  for select to anon, authenticated, service_role using (true);

-- True for service_role and for a signed-in admin (app_metadata.role = 'admin').
create function private.is_leaderboard_admin() returns boolean
  language sql stable set search_path = ''
as $$
  select coalesce(current_setting('role', true), '') = 'service_role'
      or coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin'
$$;
revoke execute on function private.is_leaderboard_admin() from public, anon, authenticated, service_role;

create function public.exclude_seller(p_seller_id uuid, p_reason text) returns void
  language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not private.is_leaderboard_admin() then
    raise exception 'only an admin can exclude a seller' using errcode = 'insufficient_privilege';
  end if;
  if p_seller_id is null or p_reason is null or btrim(p_reason) = '' then
    raise exception 'a seller and a reason are required' using errcode = 'invalid_parameter_value';
  end if;
  insert into public.seller_exclusions (seller_id, excluded_by, reason)
  values (p_seller_id, (select u.id from public.users u where u.id = auth.uid()), btrim(p_reason))
  on conflict (seller_id) do update
    set excluded_by = excluded.excluded_by, reason = excluded.reason, excluded_at = excluded.excluded_at;
end;
$$;
comment on function public.exclude_seller(uuid, text) is 'Moderation: takes a seller off the boards (admins and service_role).';

create function public.include_seller(p_seller_id uuid) returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not private.is_leaderboard_admin() then
    raise exception 'only an admin can re-include a seller' using errcode = 'insufficient_privilege';
  end if;
  delete from public.seller_exclusions x where x.seller_id = p_seller_id;
  return found;
end;
$$;
comment on function public.include_seller(uuid) is 'Moderation: puts an excluded seller back on the boards; true when they were excluded.';

revoke execute on function public.exclude_seller(uuid, text) from public, anon, authenticated, service_role;
revoke execute on function public.include_seller(uuid) from public, anon, authenticated, service_role;
grant execute on function public.exclude_seller(uuid, text) to authenticated, service_role;
grant execute on function public.include_seller(uuid) to authenticated, service_role;

-- The boards, redefined with the same signatures and columns (DESIGN.md contracts), leaving excluded
-- sellers out. CREATE OR REPLACE keeps their grants.
create or replace function public.get_top_sellers_by_sales(
  p_period text default 'month', p_year integer default null, p_month integer default null, p_limit integer default 10)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer, last_updated timestamptz)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  k record;
begin
  k := private.leaderboard_period(p_period, p_year, p_month, p_limit);
  return query
  with top as (
    -- The p_limit-th best figure: every seller at or above it is a candidate (ties included), and no
    -- seller below it can be listed or change a listed seller's rank.
    select s.items_sold from public.seller_sales_counts s
     where s.year = k.year and s.month = k.month and s.items_sold > 0
       and not exists (select from public.seller_exclusions x where x.seller_id = s.seller_id)
     order by s.items_sold desc limit p_limit
  ),
  cutoff as (select case when count(*) < p_limit then 1 else min(top.items_sold) end as v from top),
  cand as materialized (
    select s.seller_id, s.items_sold, s.last_updated from public.seller_sales_counts s, cutoff
     where s.year = k.year and s.month = k.month and s.items_sold >= cutoff.v
       and not exists (select from public.seller_exclusions x where x.seller_id = s.seller_id)
  ),
  figures as materialized (
    select c.seller_id, c.items_sold, coalesce(w.total_views, 0) as total_views,
           greatest(c.last_updated, w.last_updated) as last_updated,
           (select u.display_name from public.users u where u.id = c.seller_id) as display_name,
           (select u.avatar_url from public.users u where u.id = c.seller_id) as avatar_url
      from cand c
      cross join lateral (
        select sum(v.total_views)::integer as total_views, max(v.last_updated) as last_updated
          from public.seller_view_counts v
         where v.seller_id = c.seller_id and v.year = k.year and v.month = k.month
      ) w
  )
  select (rank() over (order by f.items_sold desc))::integer, f.seller_id, f.display_name, f.avatar_url,
         f.items_sold, f.total_views, f.last_updated
    from figures f
   where f.display_name is not null
   order by f.items_sold desc, f.total_views desc, f.display_name, f.seller_id
   limit p_limit;
end;
$$;

create or replace function public.get_top_sellers_by_views(
  p_period text default 'month', p_year integer default null, p_month integer default null, p_limit integer default 10)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer, last_updated timestamptz)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  k record;
begin
  k := private.leaderboard_period(p_period, p_year, p_month, p_limit);
  return query
  with top as (
    select v.rank_bucket from public.seller_view_counts v
     where v.year = k.year and v.month = k.month and v.slot = 0 and v.rank_bucket > 0
       and not exists (select from public.seller_exclusions x where x.seller_id = v.seller_id)
     order by v.rank_bucket desc limit p_limit
  ),
  cutoff as (select case when count(*) < p_limit then 1 else min(top.rank_bucket) end as b from top),
  -- Slots only add, so a seller without overflow slots has total = slot 0. A seller without overflow slots
  -- in a lower bucket than the cutoff has fewer views than each of at least p_limit candidates: the
  -- candidates hold the exact top p_limit, ties included, and every seller that outranks one of them.
  -- Their totals come from the candidate scan itself (slot 0), and from a sum over the slots of each of
  -- the few sellers with overflow slots.
  overflow as materialized (
    select distinct v.seller_id from public.seller_view_counts v
     where v.year = k.year and v.month = k.month and v.slot > 0
       and not exists (select from public.seller_exclusions x where x.seller_id = v.seller_id)
  ),
  totals as (
    select v.seller_id, v.total_views, v.last_updated from public.seller_view_counts v, cutoff
     where v.year = k.year and v.month = k.month and v.slot = 0 and v.rank_bucket >= cutoff.b
       and not exists (select from overflow o where o.seller_id = v.seller_id)
       and not exists (select from public.seller_exclusions x where x.seller_id = v.seller_id)
    union all
    select o.seller_id, w.total_views, w.last_updated
      from overflow o
      cross join lateral (
        select sum(v.total_views)::integer as total_views, max(v.last_updated) as last_updated
          from public.seller_view_counts v
         where v.seller_id = o.seller_id and v.year = k.year and v.month = k.month
      ) w
  ),
  -- The top p_limit with ties: everyone a listed seller could tie with or be outranked by.
  leaders as materialized (
    select t.* from (
      select t.*, rank() over (order by t.total_views desc) as r from totals t where t.total_views > 0
    ) t
     where t.r <= p_limit
  ),
  figures as materialized (
    select c.seller_id, c.total_views, coalesce(s.items_sold, 0) as items_sold,
           greatest(c.last_updated, s.last_updated) as last_updated,
           (select u.display_name from public.users u where u.id = c.seller_id) as display_name,
           (select u.avatar_url from public.users u where u.id = c.seller_id) as avatar_url
      from leaders c
      cross join lateral (
        select max(s.items_sold) as items_sold, max(s.last_updated) as last_updated
          from public.seller_sales_counts s
         where s.seller_id = c.seller_id and s.year = k.year and s.month = k.month
      ) s
  )
  select (rank() over (order by f.total_views desc))::integer, f.seller_id, f.display_name, f.avatar_url,
         f.items_sold, f.total_views, f.last_updated
    from figures f
   where f.display_name is not null
   order by f.total_views desc, f.items_sold desc, f.display_name, f.seller_id
   limit p_limit;
end;
$$;

create or replace function public.leaderboard_views_ahead(p_year integer, p_month integer, p_views integer)
  returns integer
  language sql stable set search_path = ''
as $$
  select ((select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month and v.slot = 0
              and v.rank_bucket > public.leaderboard_rank_bucket(p_views)
              and not exists (select from public.seller_exclusions x where x.seller_id = v.seller_id))
        + (select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month and v.slot = 0
              and v.rank_bucket = public.leaderboard_rank_bucket(p_views) and v.total_views > p_views
              and not exists (select from public.seller_exclusions x where x.seller_id = v.seller_id))
        + (select count(*) from (
             select distinct o.seller_id from public.seller_view_counts o
              where o.year = p_year and o.month = p_month and o.slot > 0
                and not exists (select from public.seller_exclusions x where x.seller_id = o.seller_id)) c
           cross join lateral (
             select sum(a.total_views) as total_views,
                    coalesce(sum(a.total_views) filter (where a.slot = 0), 0) as slot0
               from public.seller_view_counts a
              where a.seller_id = c.seller_id and a.year = p_year and a.month = p_month) w
           where w.total_views > p_views and w.slot0 <= p_views))::integer
$$;

create or replace function public.get_leaderboard_summary(
  p_metric text default 'sales', p_period text default 'month', p_year integer default null, p_month integer default null)
  returns table (year integer, month integer, updated_at timestamptz,
                 my_rank integer, my_items_sold integer, my_total_views integer)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  k record;
  v_me uuid := auth.uid();
  v_sold integer;
  v_views integer;
  v_mine integer;
  v_ahead integer;
begin
  if p_metric is null or p_metric not in ('sales', 'views') then
    raise exception 'metric must be ''sales'' or ''views'' (got %)', coalesce(quote_literal(p_metric), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  k := private.leaderboard_period(p_period, p_year, p_month, 1);

  if v_me is not null then
    select coalesce(sum(s.items_sold), 0)::integer into v_sold
      from public.seller_sales_counts s where s.seller_id = v_me and s.year = k.year and s.month = k.month;
    select coalesce(sum(v.total_views), 0)::integer into v_views
      from public.seller_view_counts v where v.seller_id = v_me and v.year = k.year and v.month = k.month;
    v_mine := case when p_metric = 'sales' then v_sold else v_views end;
    -- Ties share a rank: mine is 1 + the number of sellers strictly ahead. A 0 is not ranked.
    -- An excluded seller sees their own figures but no rank.
    if exists (select from public.seller_exclusions x where x.seller_id = v_me) then
      v_mine := null;
    end if;
    if v_mine > 0 then
      if p_metric = 'sales' then
        select count(*)::integer into v_ahead from public.seller_sales_counts s
         where s.year = k.year and s.month = k.month and s.items_sold > v_mine
           and not exists (select from public.seller_exclusions x where x.seller_id = s.seller_id);
      else
        -- A seller's views are the sum of their slots: public.leaderboard_views_ahead counts them exactly.
        v_ahead := public.leaderboard_views_ahead(k.year, k.month, v_mine);
      end if;
    end if;
  end if;

  return query select
    case when p_period = 'all' then null else k.year end,
    case when p_period = 'all' then null else k.month end,
    public.get_leaderboard_last_updated(p_period, nullif(k.year, 0), nullif(k.month, 0)),
    case when v_mine > 0 then v_ahead + 1 end,
    v_sold,
    v_views;
end;
$$;

create or replace function public.get_seller_dashboard()
  returns table (active_listings integer, views_month integer, views_all_time integer, sold_month integer,
                 sold_all_time integer, earnings_total numeric, unread_messages integer,
                 rank_sales_month integer, rank_views_month integer)
  language plpgsql stable set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := auth.uid();
  v_now timestamp := now() at time zone public.leaderboard_time_zone();
  v_year integer := extract(year from v_now)::integer;
  v_month integer := extract(month from v_now)::integer;
  v_ranked boolean := not exists (select from public.seller_exclusions x where x.seller_id = auth.uid());
begin
  if v_user is null then
    raise exception 'sign in to see your dashboard' using errcode = 'insufficient_privilege';
  end if;
  return query
  with mine as (
    select
      coalesce((select sum(v.total_views) from public.seller_view_counts v
                 where v.seller_id = v_user and v.year = v_year and v.month = v_month), 0)::integer as views_month,
      coalesce((select sum(v.total_views) from public.seller_view_counts v
                 where v.seller_id = v_user and v.year = 0 and v.month = 0), 0)::integer as views_all,
      coalesce((select s.items_sold from public.seller_sales_counts s
                 where s.seller_id = v_user and s.year = v_year and s.month = v_month), 0) as sold_month,
      coalesce((select s.items_sold from public.seller_sales_counts s
                 where s.seller_id = v_user and s.year = 0 and s.month = 0), 0) as sold_all
  )
  select
    (select count(*) from public.products p where p.seller_id = v_user and p.status = 'active')::integer,
    mine.views_month, mine.views_all, mine.sold_month, mine.sold_all,
    (select coalesce(sum(p.price), 0) from public.products p where p.seller_id = v_user and p.status = 'sold'),
    (select count(*) from public.messages m where m.recipient_id = v_user and m.read_at is null)::integer,
    case when v_ranked and mine.sold_month > 0 then 1 + (
      select count(*) from public.seller_sales_counts s
       where s.year = v_year and s.month = v_month and s.items_sold > mine.sold_month
         and not exists (select from public.seller_exclusions x where x.seller_id = s.seller_id))::integer end,
    case when v_ranked and mine.views_month > 0 then 1 + public.leaderboard_views_ahead(v_year, v_month, mine.views_month) end
  from mine;
end;
$$;
