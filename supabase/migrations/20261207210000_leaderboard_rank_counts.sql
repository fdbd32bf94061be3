-- Ranks in constant time, without touching the write path: a count of sellers per rank bucket, folded in
-- batches, plus the rows changed since the last fold, counted when read.
--
-- A rank is 1 + the sellers strictly ahead (20261207170000_leaderboard_full_ranking.sql). Counted from the
-- rank indexes, that costs one index entry per seller ahead: 13-44 ms for a seller near rank 50,000 of
-- 100,000. Keeping a count per figure on every write would put a few shared hot rows (the low figures
-- most sellers have) in every view's transaction. Instead:
--
--   * every counter row remembers the bucket it had at the last fold (ranked_bucket; 0 = not counted);
--   * private.leaderboard_rank_counts holds, per board and bucket, how many rows were folded into it;
--   * a partial index holds the rows whose bucket moved since (rank_bucket <> ranked_bucket). A view that
--     leaves its seller's bucket as it was stays a HOT update, as before; one that moves it already
--     rewrites the rank index, and adds one entry to this one;
--   * public.fold_leaderboard_ranks() moves a batch of those rows into the counts (the app calls it about
--     once a second, lib/leaderboard/rank-folder.ts). It skips rows that writers hold and never waits for
--     a lock, so it cannot deadlock with them or slow them beyond the rows it touches;
--   * a read counts exactly: the folded counts above the figure's bucket, corrected by the rows that moved
--     since, plus the rows of the figure's own bucket that are above it, minus excluded sellers. It reads
--     one snapshot, so the counts and the rows' folded buckets always agree.
--
-- Sales get the same rank_bucket as views (a generated column), so both boards share one rule.

-- ---------------------------------------------------------------------------------------------
-- Storage
-- ---------------------------------------------------------------------------------------------
-- The rank bucket's function, same answers, in PL/pgSQL: with its search_path set it is never inlined, and a
-- SQL function that is not inlined is planned again on every call (the readers call it for every rank).
-- (seller_view_counts.rank_bucket writes the expression out; 20261207134000_counter_helpers_search_path.sql.)
create or replace function public.leaderboard_rank_bucket(p_views integer) returns smallint
  language plpgsql immutable parallel safe set search_path = ''
as $$
begin
  return case
    when p_views < 128 then greatest(p_views, 0)
    else (floor(ln(p_views::double precision) / ln(2::double precision))::integer - 6) * 64
         + (p_views >> (floor(ln(p_views::double precision) / ln(2::double precision))::integer - 6))
  end::smallint;
end;
$$;

alter table public.seller_sales_counts
  add column rank_bucket smallint not null generated always as (public.leaderboard_rank_bucket(items_sold)) stored,
  add column ranked_bucket smallint not null default 0;
alter table public.seller_view_counts add column ranked_bucket smallint not null default 0;
comment on column public.seller_sales_counts.ranked_bucket is
  'The rank bucket this row is counted in by private.leaderboard_rank_counts (0: not counted), as of the last fold.';
comment on column public.seller_view_counts.ranked_bucket is
  'The rank bucket this row is counted in by private.leaderboard_rank_counts (0: not counted), as of the last fold.';

-- Per board (metric, year, month; 0/0 all time) and bucket: a change in how many rows were folded into it.
-- The fold adds one row per key it changes and merges the key's rows; a deletion of counter rows adds
-- negative rows (never an update, so a writer never waits here). The count is the sum.
create table private.leaderboard_rank_counts (
  metric text not null check (metric in ('sales', 'views')),
  year integer not null,
  month integer not null,
  bucket smallint not null check (bucket > 0),
  sellers integer not null
);
create index leaderboard_rank_counts_board_idx on private.leaderboard_rank_counts (metric, year, month, bucket)
  include (sellers);
comment on table private.leaderboard_rank_counts is
  'Counter rows per board and rank bucket as of the last fold (summed over a key''s rows); public.fold_leaderboard_ranks() keeps it.';
alter table private.leaderboard_rank_counts enable row level security;
revoke all on table private.leaderboard_rank_counts from public, anon, authenticated, service_role;
-- The counters are public data, and so is how many sellers have each figure.
grant select on table private.leaderboard_rank_counts to anon, authenticated, service_role;
create policy "rank counts are public" on private.leaderboard_rank_counts
  for select to anon, authenticated, service_role using (true);

-- Both boards' rows in one shape: the one copy of the rules below.
create view private.leaderboard_rank_rows as
  select 'sales'::text as metric, s.seller_id, s.year, s.month, s.items_sold as figure, s.rank_bucket, s.ranked_bucket
    from public.seller_sales_counts s
  union all
  select 'views'::text, v.seller_id, v.year, v.month, v.total_views, v.rank_bucket, v.ranked_bucket
    from public.seller_view_counts v;
revoke all on table private.leaderboard_rank_rows from public, anon, authenticated, service_role;
grant select on table private.leaderboard_rank_rows to anon, authenticated, service_role;

-- The smallest figure in a rank bucket (the inverse of public.leaderboard_rank_bucket): exact below 128,
-- then 64 buckets per power of two.
create function private.leaderboard_rank_bucket_floor(p_bucket integer) returns bigint
  language plpgsql immutable parallel safe set search_path = ''
as $$
begin
  return case when p_bucket < 128 then greatest(p_bucket, 0)
              else (p_bucket - (p_bucket / 64 - 1) * 64)::bigint << (p_bucket / 64 - 1) end;
end;
$$;
grant execute on function private.leaderboard_rank_bucket_floor(integer) to anon, authenticated, service_role;

-- The data: every existing row counted as it is now, so the migration leaves nothing to fold.
update public.seller_sales_counts set ranked_bucket = rank_bucket where rank_bucket > 0;
update public.seller_view_counts set ranked_bucket = rank_bucket where rank_bucket > 0;
insert into private.leaderboard_rank_counts (metric, year, month, bucket, sellers)
select r.metric, r.year, r.month, r.rank_bucket, count(*)
  from private.leaderboard_rank_rows r where r.rank_bucket > 0
 group by 1, 2, 3, 4;

-- The rows to fold (built after the data moved: empty now).
create index seller_sales_counts_unfolded_idx on public.seller_sales_counts (year, month)
  include (rank_bucket, ranked_bucket) where rank_bucket <> ranked_bucket;
create index seller_view_counts_unfolded_idx on public.seller_view_counts (year, month)
  include (rank_bucket, ranked_bucket) where rank_bucket <> ranked_bucket;

-- Deleted counter rows (a rebuild, an admin) leave the counts: negative rows, appended.
create function private.leaderboard_rank_rows_deleted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into private.leaderboard_rank_counts (metric, year, month, bucket, sellers)
  select tg_argv[0], d.year, d.month, d.ranked_bucket, -count(*)
    from old_rows d where d.ranked_bucket > 0
   group by d.year, d.month, d.ranked_bucket;
  return null;
end;
$$;
create function private.leaderboard_rank_rows_truncated() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  delete from private.leaderboard_rank_counts c where c.metric = tg_argv[0];
  return null;
end;
$$;
create trigger leaderboard_rank_rows_deleted after delete on public.seller_sales_counts
  referencing old table as old_rows for each statement execute function private.leaderboard_rank_rows_deleted('sales');
create trigger leaderboard_rank_rows_deleted after delete on public.seller_view_counts
  referencing old table as old_rows for each statement execute function private.leaderboard_rank_rows_deleted('views');
create trigger leaderboard_rank_rows_truncated after truncate on public.seller_sales_counts
  for each statement execute function private.leaderboard_rank_rows_truncated('sales');
create trigger leaderboard_rank_rows_truncated after truncate on public.seller_view_counts
  for each statement execute function private.leaderboard_rank_rows_truncated('views');

-- ---------------------------------------------------------------------------------------------
-- The fold
-- ---------------------------------------------------------------------------------------------
-- Moves up to p_limit rows of each board whose bucket changed into the counts; returns how many it moved
-- (0 when another fold is running). Rows a writer holds are left for the next fold; the fold never waits.
create function public.fold_leaderboard_ranks(p_limit integer default 2000) returns integer
  language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_keys private.leaderboard_rank_counts[];
  v_moved integer;
begin
  if p_limit is null or p_limit < 1 then
    raise exception 'p_limit must be at least 1 (got %)', p_limit using errcode = 'invalid_parameter_value';
  end if;
  -- One fold at a time: the merge below must not sum the same rows twice.
  if not pg_catalog.pg_try_advisory_xact_lock(hashtextextended('leaderboard rank fold', 0)) then
    return 0;
  end if;
  with sales as (
    select s.seller_id, s.year, s.month, s.rank_bucket, s.ranked_bucket from public.seller_sales_counts s
     where s.rank_bucket <> s.ranked_bucket
     limit p_limit for update skip locked
  ),
  views as (
    select v.seller_id, v.year, v.month, v.rank_bucket, v.ranked_bucket from public.seller_view_counts v
     where v.rank_bucket <> v.ranked_bucket
     limit p_limit for update skip locked
  ),
  -- The locked rows' values are their latest: nobody can change them before this statement commits.
  folded_sales as (
    update public.seller_sales_counts c set ranked_bucket = d.rank_bucket from sales d
     where c.seller_id = d.seller_id and c.year = d.year and c.month = d.month
    returning 'sales'::text as metric, d.year, d.month, d.rank_bucket, d.ranked_bucket
  ),
  folded_views as (
    update public.seller_view_counts c set ranked_bucket = d.rank_bucket from views d
     where c.seller_id = d.seller_id and c.year = d.year and c.month = d.month
    returning 'views'::text as metric, d.year, d.month, d.rank_bucket, d.ranked_bucket
  ),
  folded as (select * from folded_sales union all select * from folded_views),
  changes as (
    select f.metric, f.year, f.month, f.rank_bucket as bucket, 1 as n from folded f where f.rank_bucket > 0
    union all
    select f.metric, f.year, f.month, f.ranked_bucket, -1 from folded f where f.ranked_bucket > 0
  ),
  added as (
    insert into private.leaderboard_rank_counts (metric, year, month, bucket, sellers)
    select c.metric, c.year, c.month, c.bucket, sum(c.n) from changes c
     group by 1, 2, 3, 4 having sum(c.n) <> 0
    returning *
  )
  select (select count(*) from folded)::integer, array_agg(row(a.metric, a.year, a.month, a.bucket, a.sellers)::private.leaderboard_rank_counts)
    into v_moved, v_keys from added a;

  -- Merge the keys just changed into one row each (and none when they sum to 0).
  with gone as (
    delete from private.leaderboard_rank_counts c
     using (select distinct k.metric, k.year, k.month, k.bucket from unnest(v_keys) k) k
     where c.metric = k.metric and c.year = k.year and c.month = k.month and c.bucket = k.bucket
    returning c.*
  )
  insert into private.leaderboard_rank_counts (metric, year, month, bucket, sellers)
  select g.metric, g.year, g.month, g.bucket, sum(g.sellers) from gone g
   group by 1, 2, 3, 4 having sum(g.sellers) <> 0;
  return v_moved;
end;
$$;
revoke all on function public.fold_leaderboard_ranks(integer) from public, anon, authenticated;
grant execute on function public.fold_leaderboard_ranks(integer) to service_role;
comment on function public.fold_leaderboard_ranks(integer) is
  'Folds up to p_limit changed counter rows per board into the rank counts (service_role; the app runs it about once a second). Returns the rows folded, 0 when another fold runs.';

-- ---------------------------------------------------------------------------------------------
-- The reads
-- ---------------------------------------------------------------------------------------------
-- Where a figure stands on a board: how many ranked (listed, not excluded) sellers have more (ahead; a rank
-- is 1 + ahead) and how many have exactly as much (tied). Constant time in the rank: the folded counts of
-- the buckets, corrected by the rows that moved since the last fold; a bucket that holds more than one
-- figure (128 and up) is read row by row for the part above the figure (exact; a bucket spans 1/64 of its
-- figures).
create function private.leaderboard_rank_of(p_metric text, p_year integer, p_month integer, p_figure integer,
                                            out ahead integer, out tied integer)
  -- PL/pgSQL with generic plans: planned once per session. A SQL function with settings is planned on every
  -- call, and PL/pgSQL's own choice kept custom plans here (planned every call: 0.45 ms a call, against 0.08).
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
declare
  v_bucket constant smallint := public.leaderboard_rank_bucket(greatest(p_figure, 0));
  v_next constant bigint := private.leaderboard_rank_bucket_floor(v_bucket + 1);
begin
  -- The buckets above the figure's, and the figure's own: as folded, corrected by the rows moved since.
  select f.above + m.above, f.at + m.at into ahead, tied
    from (select coalesce(sum(c.sellers) filter (where c.bucket > v_bucket), 0) as above,
                 coalesce(sum(c.sellers) filter (where c.bucket = v_bucket), 0) as at
            from private.leaderboard_rank_counts c
           where c.metric = p_metric and c.year = p_year and c.month = p_month and c.bucket >= v_bucket) f,
         (select count(*) filter (where r.rank_bucket > v_bucket) - count(*) filter (where r.ranked_bucket > v_bucket) as above,
                 count(*) filter (where r.rank_bucket = v_bucket) - count(*) filter (where r.ranked_bucket = v_bucket) as at
            from private.leaderboard_rank_rows r
           where r.metric = p_metric and r.year = p_year and r.month = p_month and r.rank_bucket <> r.ranked_bucket) m;
  -- A bucket of several figures: its rows above the figure and at it, one by one (sales: from the index).
  if v_next - private.leaderboard_rank_bucket_floor(v_bucket) > 1 then
    if p_metric = 'sales' then
      select ahead + count(*) filter (where s.items_sold > p_figure), count(*) filter (where s.items_sold = p_figure)
        into ahead, tied
        from public.seller_sales_counts s
       where s.year = p_year and s.month = p_month and s.items_sold >= p_figure and s.items_sold < v_next;
    else
      select ahead + count(*) filter (where v.total_views > p_figure), count(*) filter (where v.total_views = p_figure)
        into ahead, tied
        from public.seller_view_counts v
       where v.year = p_year and v.month = p_month and v.rank_bucket = v_bucket and v.total_views >= p_figure;
    end if;
  end if;
  -- Excluded sellers are not on the board (a handful of rows).
  select ahead - count(*) filter (where r.figure > p_figure), tied - count(*) filter (where r.figure = p_figure)
    into ahead, tied
    from private.excluded_sellers x
    join private.leaderboard_rank_rows r on r.seller_id = x.seller_id
   where r.metric = p_metric and r.year = p_year and r.month = p_month;
end;
$$;
grant execute on function private.leaderboard_rank_of(text, integer, integer, integer) to anon, authenticated, service_role;

-- The ranks of a run of consecutive rows of a board, given their figures in board order: the first row's
-- rank is 1 + the sellers ahead of it; a row with a lower figure also has behind it the whole tie at the
-- first figure, and the run's rows between the two (the run is consecutive, so those are all of them).
create function private.leaderboard_run_ranks(p_metric text, p_year integer, p_month integer, p_figures integer[])
  returns integer[]
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
declare
  v_top constant integer := p_figures[1];
  v_at record;
  v_ranks integer[] := '{}';
  v_top_rows integer := 0;
  v_group_start integer;
begin
  if v_top is null then
    return v_ranks;
  end if;
  v_at := private.leaderboard_rank_of(p_metric, p_year, p_month, v_top);
  for i in 1 .. cardinality(p_figures) loop
    if p_figures[i] = v_top then
      v_top_rows := v_top_rows + 1;
      v_ranks[i] := 1 + v_at.ahead;
    else
      -- Figures fall along the run: the rows before this figure's first row, less the top's, lie between.
      if p_figures[i] <> p_figures[i - 1] then
        v_group_start := i;
      end if;
      v_ranks[i] := 1 + v_at.ahead + v_at.tied + (v_group_start - 1 - v_top_rows);
    end if;
  end loop;
  return v_ranks;
end;
$$;
grant execute on function private.leaderboard_run_ranks(text, integer, integer, integer[]) to anon, authenticated, service_role;

-- A page's rows without their ranks (20261207170000_leaderboard_full_ranking.sql), same signature and
-- answer, with fewer lookups: the sellers between the bounds are read with their board figure only; just
-- those the page can hold (the rest of the key's tie, then the sellers whose figure reaches the p_limit-th
-- beyond it) get their other figure and profile.
create or replace function private.leaderboard_keyset(
  p_metric text, p_year integer, p_month integer, p_limit integer,
  p_direction text, p_value integer, p_other integer, p_name text, p_seller_id uuid)
  returns table (seller_id uuid, display_name text, avatar_url text, items_sold integer, total_views integer,
                 figure integer, other integer)
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_after constant boolean := p_direction = 'after';
  v_sign constant integer := case when v_after then -1 else 1 end;
  v_key constant integer[] := array[p_value * v_sign, p_other * v_sign];
  v_low integer;
  v_high integer;
begin
  -- The figures that bound the candidates: the key's, and that of the p_limit-th seller beyond it.
  if p_metric = 'sales' then
    if v_after then
      v_high := p_value;
      select case when count(*) = p_limit then min(t.items_sold) else 1 end into v_low from (
        select s.items_sold from public.seller_sales_counts s
         where s.year = p_year and s.month = p_month and s.items_sold < p_value and s.items_sold > 0
           and not exists (select from private.excluded_sellers x where x.seller_id = s.seller_id)
         order by s.items_sold desc limit p_limit) t;
    else
      v_low := greatest(p_value, 1);
      select case when count(*) = p_limit then max(t.items_sold) else 2147483647 end into v_high from (
        select s.items_sold from public.seller_sales_counts s
         where s.year = p_year and s.month = p_month and s.items_sold > p_value
           and not exists (select from private.excluded_sellers x where x.seller_id = s.seller_id)
         order by s.items_sold limit p_limit) t;
    end if;
  else
    -- In rank buckets (monotone in the figure: a lower bucket means fewer views).
    if v_after then
      v_high := public.leaderboard_rank_bucket(p_value);
      select case when count(*) = p_limit then min(t.rank_bucket) else 1 end into v_low from (
        select v.rank_bucket from public.seller_view_counts v
         where v.year = p_year and v.month = p_month
           and v.rank_bucket < public.leaderboard_rank_bucket(p_value) and v.rank_bucket > 0
           and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
         order by v.rank_bucket desc limit p_limit) t;
    else
      v_low := greatest(public.leaderboard_rank_bucket(p_value), 1);
      select case when count(*) = p_limit then max(t.rank_bucket) else 32767 end into v_high from (
        select v.rank_bucket from public.seller_view_counts v
         where v.year = p_year and v.month = p_month
           and v.rank_bucket > public.leaderboard_rank_bucket(p_value)
           and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
         order by v.rank_bucket limit p_limit) t;
    end if;
  end if;

  return query
  -- d: the figure signed so that "beyond the key" (lower after it, higher before it) is always larger.
  with listed as materialized (
    select f.seller_id, f.figure, f.figure * v_sign as d from (
      select s.seller_id, s.items_sold as figure from public.seller_sales_counts s
       where p_metric = 'sales' and s.year = p_year and s.month = p_month and s.items_sold between v_low and v_high
      union all
      select v.seller_id, v.total_views from public.seller_view_counts v
       where p_metric = 'views' and v.year = p_year and v.month = p_month and v.rank_bucket between v_low and v_high
         and v.total_views > 0
    ) f
     where not exists (select from private.excluded_sellers x where x.seller_id = f.seller_id)
  ),
  -- The page holds the rest of the key's tie, then sellers up to the p_limit-th figure beyond the key's.
  figure_cut as (
    select max(t.d) as d from (select l.d from listed l where l.d > p_value * v_sign order by l.d limit p_limit) t
  ),
  scored as materialized (
    select l.seller_id, l.figure, array[l.d, v_sign * case when p_metric = 'sales'
        then coalesce((select v.total_views from public.seller_view_counts v
                        where v.seller_id = l.seller_id and v.year = p_year and v.month = p_month), 0)
        else coalesce((select s.items_sold from public.seller_sales_counts s
                        where s.seller_id = l.seller_id and s.year = p_year and s.month = p_month), 0)
        end] as d
      from listed l, figure_cut c
     where l.d = p_value * v_sign or (l.d > p_value * v_sign and l.d <= c.d)
  ),
  -- The same by (figure, other figure): only the sellers up to the p_limit-th pair need their name.
  pair_cut as (
    select max(t.d) as d from (select q.d from scored q where q.d > v_key order by q.d limit p_limit) t
  ),
  keyed as (
    select q.seller_id, u.display_name, u.avatar_url, q.figure, v_sign * q.d[2] as other
      from scored q cross join pair_cut c
      join public.users u on u.id = q.seller_id
     where q.d = v_key or (q.d > v_key and q.d <= c.d)
  ),
  page as materialized (
    select * from keyed q
     where v_after and (-q.figure, -q.other, q.display_name, q.seller_id) > (-p_value, -p_other, p_name, p_seller_id)
     order by q.figure desc, q.other desc, q.display_name, q.seller_id
     limit p_limit
  ),
  page_before as materialized (
    select * from keyed q
     where not v_after and (-q.figure, -q.other, q.display_name, q.seller_id) < (-p_value, -p_other, p_name, p_seller_id)
     order by q.figure, q.other, q.display_name desc, q.seller_id desc
     limit p_limit
  )
  select p.seller_id, p.display_name, p.avatar_url,
         case when p_metric = 'sales' then p.figure else p.other end,
         case when p_metric = 'sales' then p.other else p.figure end,
         p.figure, p.other
    from (select * from page union all select * from page_before) p;
end;
$$;

-- The full ranking's readers (20261207170000_leaderboard_full_ranking.sql), same signatures and answers, now
-- with one rank lookup per answer.
create or replace function public.get_leaderboard_page(
  p_metric text, p_period text, p_direction text, p_value integer, p_other integer, p_name text, p_seller_id uuid,
  p_year integer default null, p_month integer default null, p_limit integer default 50)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer)
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  k record;
begin
  if p_metric is null or p_metric not in ('sales', 'views') then
    raise exception 'metric must be ''sales'' or ''views'' (got %)', coalesce(quote_literal(p_metric), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if p_direction is null or p_direction not in ('after', 'before') then
    raise exception 'direction must be ''after'' or ''before'' (got %)', coalesce(quote_literal(p_direction), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if p_value is null or p_value < 0 or p_other is null or p_other < 0 or p_name is null or p_seller_id is null then
    raise exception 'a page starts at a full sort key (figure, other figure, name, seller id)'
      using errcode = 'invalid_parameter_value';
  end if;
  k := private.leaderboard_period(p_period, p_year, p_month, p_limit);
  return query
  with page as materialized (
    select r.*, row_number() over (order by r.figure desc, r.other desc, r.display_name, r.seller_id) as i
      from private.leaderboard_keyset(p_metric, k.year, k.month, p_limit, p_direction,
                                      p_value, p_other, p_name, p_seller_id) r
  ),
  ranks as (
    select private.leaderboard_run_ranks(p_metric, k.year, k.month, array_agg(p.figure order by p.i)) as r from page p
  )
  select ranks.r[p.i], p.seller_id, p.display_name, p.avatar_url, p.items_sold, p.total_views
    from page p, ranks
   order by p.i;
end;
$$;

create or replace function public.get_leaderboard_around_me(
  p_metric text default 'sales', p_period text default 'month', p_year integer default null, p_month integer default null)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer)
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  k record;
  v_me constant uuid := auth.uid();
  v_sold integer;
  v_views integer;
  v_figure integer;
  v_other integer;
  v_user record;
begin
  if p_metric is null or p_metric not in ('sales', 'views') then
    raise exception 'metric must be ''sales'' or ''views'' (got %)', coalesce(quote_literal(p_metric), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  k := private.leaderboard_period(p_period, p_year, p_month, 1);
  if v_me is null or exists (select from private.excluded_sellers x where x.seller_id = v_me) then
    return;
  end if;
  select u.display_name, u.avatar_url into v_user from public.users u where u.id = v_me;
  select coalesce(sum(s.items_sold), 0)::integer into v_sold
    from public.seller_sales_counts s where s.seller_id = v_me and s.year = k.year and s.month = k.month;
  select coalesce(sum(v.total_views), 0)::integer into v_views
    from public.seller_view_counts v where v.seller_id = v_me and v.year = k.year and v.month = k.month;
  v_figure := case when p_metric = 'sales' then v_sold else v_views end;
  v_other := case when p_metric = 'sales' then v_views else v_sold end;
  if v_figure = 0 or v_user.display_name is null then
    return;
  end if;
  return query
  with run as materialized (
    select n.*, row_number() over (order by n.part, n.figure desc, n.other desc, n.display_name, n.seller_id) as i
      from (
        select b.*, 1 as part
          from private.leaderboard_keyset(p_metric, k.year, k.month, 2, 'before', v_figure, v_other,
                                          v_user.display_name, v_me) b
        union all
        select v_me, v_user.display_name, v_user.avatar_url, v_sold, v_views, v_figure, v_other, 2
        union all
        select a.*, 3
          from private.leaderboard_keyset(p_metric, k.year, k.month, 2, 'after', v_figure, v_other,
                                          v_user.display_name, v_me) a
      ) n
  ),
  ranks as (
    select private.leaderboard_run_ranks(p_metric, k.year, k.month, array_agg(r.figure order by r.i)) as r from run r
  )
  select ranks.r[n.i], n.seller_id, n.display_name, n.avatar_url, n.items_sold, n.total_views
    from run n, ranks
   order by n.i;
end;
$$;

create or replace function public.get_my_rank_history()
  returns table (year integer, month integer, items_sold integer, total_views integer,
                 rank_sales integer, rank_views integer)
  language plpgsql stable set search_path = '' set jit = off set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_user constant uuid := private.signed_in_user('see your rank history');
  v_first constant date := private.leaderboard_month_start(now());
  v_excluded constant boolean := exists (select from private.excluded_sellers x where x.seller_id = v_user);
begin
  return query
  select f.y, f.m, f.sold, f.views,
         case when f.sold > 0 and not v_excluded
              then 1 + (private.leaderboard_rank_of('sales', f.y, f.m, f.sold)).ahead end,
         case when f.views > 0 and not v_excluded
              then 1 + (private.leaderboard_rank_of('views', f.y, f.m, f.views)).ahead end
    from (
      select m.y, m.m,
             coalesce((select s.items_sold from public.seller_sales_counts s
                        where s.seller_id = v_user and s.year = m.y and s.month = m.m), 0)::integer as sold,
             coalesce((select sum(v.total_views) from public.seller_view_counts v
                        where v.seller_id = v_user and v.year = m.y and v.month = m.m), 0)::integer as views
        from (select extract(year from d)::integer as y, extract(month from d)::integer as m
                from generate_series(v_first - interval '11 months', v_first, interval '1 month') d) m
    ) f
   order by f.y, f.m;
end;
$$;

-- The top-N boards' and the dashboard's view rank (same signature as before).
create or replace function public.leaderboard_views_ahead(p_year integer, p_month integer, p_views integer)
  returns integer
  language sql stable set search_path = '' set jit = off
as $$
  select (private.leaderboard_rank_of('views', p_year, p_month, p_views)).ahead
$$;

-- Counted by private.leaderboard_rank_of now.
drop function private.leaderboard_count_between(text, integer, integer, integer, integer);

-- Statistics again: adding the generated column rewrote seller_sales_counts, which resets them (a hosted
-- `supabase db push` never analyzes), and the rank counts are new.
analyze public.seller_sales_counts, public.seller_view_counts, private.leaderboard_rank_counts;
