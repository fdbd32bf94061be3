-- What the live leaderboard needs: "did anything change since my previous answer?" for the change
-- watcher (lib/leaderboard/watcher.ts), and the first month with activity for the modal's month picker.
-- Nothing here sends NOTIFY (DESIGN.md: a notifying transaction serialises commits).

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
    select extract(year from now() at time zone public.leaderboard_time_zone())::integer,
           extract(month from now() at time zone public.leaderboard_time_zone())::integer
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
       and v.changed_at > b.lower_bound - interval '1 second' and v.last_updated >= b.lower_bound
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

revoke execute on function public.get_leaderboard_changes(timestamptz) from public, anon, authenticated, service_role;
revoke execute on function public.get_leaderboard_first_month() from public, anon, authenticated, service_role;
grant execute on function public.get_leaderboard_changes(timestamptz) to anon, authenticated, service_role;
grant execute on function public.get_leaderboard_first_month() to anon, authenticated, service_role;
