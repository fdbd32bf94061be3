-- Leaderboard read API (anyone: anon, authenticated, service_role): period resolution, the top sellers by
-- sales and by views, the latest change of a period, a views rank from the indexes, the summary that
-- GET /api/leaderboard needs beside the top N, and what the live leaderboard polls (changes since, the
-- first month). All security invoker and stable: the counters are public data (RLS select policy `true`),
-- users' profiles are public too; validation, then one query, one snapshot. None reads products or
-- product_views: only the counters of 20260103000000_leaderboard_storage.sql, and the sellers excluded by
-- moderation (20260103000150_seller_exclusions.sql), left out before ranking.
--
-- The reads of the cache run with `set jit = off`: on a build with JIT (Debian's and most packaged or
-- hosted PostgreSQL), the month reads over 100k sellers x 24 months are estimated above jit_above_cost (the
-- estimate counts every row of the period, though the functions visit only a few through indexes) and
-- spent about 21 of their 24 ms compiling, against about 2 ms without (npm run bench, "read"). Each read
-- touches a few dozen rows, so compiling never pays off. A function's SET applies to everything it calls;
-- jit is a user-settable parameter (fine on hosted Supabase).

-- Resolves (period, year, month) to the storage key; year 0/month 0 = all-time.
create function private.leaderboard_period(p_period text, p_year integer, p_month integer, p_limit integer,
                                           out year integer, out month integer)
  language plpgsql stable set search_path = ''
as $$
begin
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'limit must be between 1 and 100 (got %)', coalesce(p_limit::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if p_period is null or p_period not in ('month', 'all') then
    raise exception 'period must be ''month'' or ''all'' (got %)', coalesce(quote_literal(p_period), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if p_month is not null and p_month not between 1 and 12 then
    raise exception 'month must be between 1 and 12 (got %)', p_month using errcode = 'invalid_parameter_value';
  end if;
  if p_year is not null and p_year not between 1 and 9999 then
    raise exception 'year must be between 1 and 9999 (got %)', p_year using errcode = 'invalid_parameter_value';
  end if;
  if p_period = 'all' then
    year := 0;
    month := 0;
  else
    year := coalesce(p_year, private.leaderboard_year(now()));
    month := coalesce(p_month, private.leaderboard_month(now()));
  end if;
end;
$$;
-- The read functions run as the caller and call this one (the API roles have USAGE on private: see the
-- comment on schema private).
grant execute on function private.leaderboard_period(text, integer, integer, integer) to anon, authenticated, service_role;

-- Both read functions find a small exact candidate set through indexes, then look each candidate up by
-- primary key (lateral aggregates and scalar subqueries, so the plan never turns into a scan of the
-- period's rows or of users). Two functions, each one query, on purpose: one shared PL/pgSQL function by
-- metric (three statements behind a SQL wrapper) measured about twice as slow (npm run bench, read at
-- 100,000 sellers: views, month p50 0.47 -> 1.31 ms), so their signatures and ranking tails stay apart.
create function public.get_top_sellers_by_sales(
  p_period text default 'month', p_year integer default null, p_month integer default null, p_limit integer default 10)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer, last_updated timestamptz)
  language plpgsql stable set search_path = '' set jit = off
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
       and not exists (select from private.excluded_sellers x where x.seller_id = s.seller_id)
     order by s.items_sold desc limit p_limit
  ),
  cutoff as (select case when count(*) < p_limit then 1 else min(top.items_sold) end as v from top),
  cand as materialized (
    select s.seller_id, s.items_sold, s.last_updated from public.seller_sales_counts s, cutoff
     where s.year = k.year and s.month = k.month and s.items_sold >= cutoff.v
       and not exists (select from private.excluded_sellers x where x.seller_id = s.seller_id)
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
grant execute on function public.get_top_sellers_by_sales(text, integer, integer, integer) to anon, authenticated, service_role;

create function public.get_top_sellers_by_views(
  p_period text default 'month', p_year integer default null, p_month integer default null, p_limit integer default 10)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer, last_updated timestamptz)
  language plpgsql stable set search_path = '' set jit = off
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
       and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
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
       and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
  ),
  totals as (
    select v.seller_id, v.total_views, v.last_updated from public.seller_view_counts v, cutoff
     where v.year = k.year and v.month = k.month and v.slot = 0 and v.rank_bucket >= cutoff.b
       and not exists (select from overflow o where o.seller_id = v.seller_id)
       and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
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
grant execute on function public.get_top_sellers_by_views(text, integer, integer, integer) to anon, authenticated, service_role;

-- The latest change of a period (what the live-update watcher polls): index lookups only. For views:
-- B = the latest changed_at, then the exact latest last_updated among the rows with changed_at in
-- (B - 1 s, B] (a row outside has last_updated < changed_at + 1 s <= B <= the answer).
-- last_updated is the writer's clock before it commits: a watcher that must not miss a transaction that
-- committed after a later-stamped one asks again from its previous answer minus the longest write.
create function public.get_leaderboard_last_updated(
  p_period text default 'month', p_year integer default null, p_month integer default null)
  returns timestamptz
  language plpgsql stable set search_path = '' set jit = off
as $$
#variable_conflict use_column
declare
  k record;
  v_changed timestamptz;
begin
  k := private.leaderboard_period(p_period, p_year, p_month, 1);
  select max(v.changed_at) into v_changed from public.seller_view_counts v where v.year = k.year and v.month = k.month;
  return greatest(
    (select max(s.last_updated) from public.seller_sales_counts s where s.year = k.year and s.month = k.month),
    (select max(v.last_updated) from public.seller_view_counts v
      where v.year = k.year and v.month = k.month
        and v.changed_at > v_changed - private.leaderboard_changed_at_step() and v.changed_at <= v_changed));
end;
$$;
grant execute on function public.get_leaderboard_last_updated(text, integer, integer) to anon, authenticated, service_role;

-- How many sellers have strictly more than p_views views in a period (a caller's rank is 1 + this), from
-- the indexes: slot-0 rows in a higher bucket (an index-only count), slot-0 rows in the same bucket with
-- more, and sellers with overflow slots whose slot 0 did not count but whose sum does.
create function public.leaderboard_views_ahead(p_year integer, p_month integer, p_views integer)
  returns integer
  language sql stable set search_path = '' set jit = off
as $$
  select ((select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month and v.slot = 0
              and v.rank_bucket > public.leaderboard_rank_bucket(p_views)
              and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id))
        + (select count(*) from public.seller_view_counts v
            where v.year = p_year and v.month = p_month and v.slot = 0
              and v.rank_bucket = public.leaderboard_rank_bucket(p_views) and v.total_views > p_views
              and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id))
        + (select count(*) from (
             select distinct o.seller_id from public.seller_view_counts o
              where o.year = p_year and o.month = p_month and o.slot > 0
                and not exists (select from private.excluded_sellers x where x.seller_id = o.seller_id)) c
           cross join lateral (
             select sum(a.total_views) as total_views,
                    coalesce(sum(a.total_views) filter (where a.slot = 0), 0) as slot0
               from public.seller_view_counts a
              where a.seller_id = c.seller_id and a.year = p_year and a.month = p_month) w
           where w.total_views > p_views and w.slot0 <= p_views))::integer
$$;
grant execute on function public.leaderboard_views_ahead(integer, integer, integer) to anon, authenticated, service_role;

-- What GET /api/leaderboard needs beside the top N: the period it resolved ("current month" by the
-- database's clock, in the leaderboard time zone), the latest change in that period, and the caller's
-- own standing, even outside the top N. One stable function: one snapshot, all index lookups.

create function public.get_leaderboard_summary(
  p_metric text default 'sales', p_period text default 'month', p_year integer default null, p_month integer default null)
  returns table (year integer, month integer, updated_at timestamptz,
                 my_rank integer, my_items_sold integer, my_total_views integer)
  language plpgsql stable set search_path = '' set jit = off
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
    if exists (select from private.excluded_sellers x where x.seller_id = v_me) then
      v_mine := null;
    end if;
    if v_mine > 0 then
      if p_metric = 'sales' then
        select count(*)::integer into v_ahead from public.seller_sales_counts s
         where s.year = k.year and s.month = k.month and s.items_sold > v_mine
           and not exists (select from private.excluded_sellers x where x.seller_id = s.seller_id);
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
grant execute on function public.get_leaderboard_summary(text, text, integer, integer) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Live leaderboard: "did anything change since my previous answer?" for the change watcher
-- (lib/leaderboard/watcher.ts), and the first month with activity for the modal's month picker.
-- Nothing here sends NOTIFY (a notifying transaction serialises commits).
-- ---------------------------------------------------------------------------------------------
-- last_updated is stamped before commit, so a transaction that commits late can land with a stamp older
-- than the newest one a watcher has already seen: a bare maximum would miss it. Instead the watcher keeps
-- a window [since, now) that starts a margin (5 s) before the newest stamp it saw, and compares a
-- fingerprint of every counter row stamped inside it (how many, their figures, their stamps): a late
-- commit inside the margin changes the fingerprint even when the maximum does not move.
-- Each call answers the fingerprint of the window asked for (p_since; null on the first call) and of the
-- next window (next_since, from the newest stamp now), from one snapshot, so no change falls between them.
-- Watched: the all-time rows (every sale and view touches them) and the current month, all through the
-- (year, month, last_updated) and (year, month, changed_at) indexes.
create function public.get_leaderboard_changes(p_since timestamptz default null)
  returns table (latest timestamptz, since_fingerprint text, next_since timestamptz, next_fingerprint text)
  language sql stable set search_path = ''
as $$
  with periods (year, month) as (
    select 0, 0
    union all
    select private.leaderboard_year(now()), private.leaderboard_month(now())
  ),
  newest as (
    select greatest(public.get_leaderboard_last_updated('all'), public.get_leaderboard_last_updated('month')) as at
  ),
  bounds as (
    select n.at as latest, n.at - interval '5 seconds' as next_since,
           least(coalesce(p_since, 'infinity'::timestamptz), n.at - interval '5 seconds') as lower_bound
      from newest n
  ),
  stamped as (
    select s.last_updated, s.items_sold as sold, 0 as views
      from periods p cross join bounds b
      join public.seller_sales_counts s on s.year = p.year and s.month = p.month and s.last_updated >= b.lower_bound
    union all
    -- changed_at trails last_updated by less than a second and is the indexed column.
    select v.last_updated, 0, v.total_views
      from periods p cross join bounds b
      join public.seller_view_counts v on v.year = p.year and v.month = p.month
       and v.changed_at > b.lower_bound - private.leaderboard_changed_at_step() and v.last_updated >= b.lower_bound
  )
  select b.latest,
         case when p_since is not null then (
           select count(*) || ':' || coalesce(sum(sold), 0) || ':' || coalesce(sum(views), 0) || ':'
                  || coalesce(sum(extract(epoch from last_updated)), 0)
             from stamped where last_updated >= p_since) end,
         b.next_since,
         (select count(*) || ':' || coalesce(sum(sold), 0) || ':' || coalesce(sum(views), 0) || ':'
                 || coalesce(sum(extract(epoch from last_updated)), 0)
            from stamped where last_updated >= b.next_since)
    from bounds b;
$$;
comment on function public.get_leaderboard_changes(timestamptz) is
  'For the live change watcher: the newest leaderboard stamp and fingerprints of the counter rows stamped since p_since and since next_since (newest - 5 s).';

-- The first month (leaderboard time zone) with a counted sale or view: the month picker starts there.
create function public.get_leaderboard_first_month()
  returns table (year integer, month integer)
  language sql stable set search_path = ''
as $$
  select f.year, f.month from (
    select s.year, s.month from public.seller_sales_counts s where s.year > 0 and s.items_sold > 0
    union all
    select v.year, v.month from public.seller_view_counts v where v.year > 0 and v.total_views > 0
  ) f
  order by f.year, f.month
  limit 1;
$$;
comment on function public.get_leaderboard_first_month() is 'The first month with leaderboard activity (null row set when none).';

grant execute on function public.get_leaderboard_changes(timestamptz) to anon, authenticated, service_role;
grant execute on function public.get_leaderboard_first_month() to anon, authenticated, service_role;
