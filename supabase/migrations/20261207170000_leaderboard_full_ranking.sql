-- The whole ranking: pages of any board by keyset (never OFFSET), the sellers around the caller, and the
-- caller's monthly ranks over the last 12 months. Read only, security invoker, stable: the counters and
-- profiles are public data; exclusions apply as on the top-N boards (20260103000200_leaderboard_read_api.sql).
--
-- Board order (the contract): the metric desc, the other metric desc, display name, seller id. A page is
-- asked for by the sort key of the row it starts after (p_direction 'after') or ends before ('before'),
-- so a key stays meaningful while figures change, and ties keep their order across page boundaries.
-- Ranks are computed when read, never stored: a row's rank is 1 + the sellers strictly ahead of it.
--
-- Each page reads only a small candidate set through the rank indexes: the sellers whose figure (views:
-- rank bucket) lies between the key's and that of the p_limit-th seller beyond it, then sorts them by
-- the full key.

-- How many ranked (listed, not excluded) sellers have a figure in [p_low, p_high] for a period. The rank
-- of a figure is 1 + this count above it, so the big ranges are counted from the rank indexes alone
-- (index-only scans): every row in range, minus the few rows of excluded sellers; for views, the rows
-- of the rank buckets strictly inside the range plus the rows of its two edge buckets that are in range.
create function private.leaderboard_count_between(p_metric text, p_year integer, p_month integer,
                                                  p_low integer, p_high integer)
  returns integer
  language sql stable set search_path = '' set jit = off
as $$
  with bounds as (
    select greatest(p_low, 1) as low, p_high as high,
           public.leaderboard_rank_bucket(greatest(p_low, 1)) as low_bucket,
           public.leaderboard_rank_bucket(p_high) as high_bucket
  )
  select (case when p_metric = 'sales' then
    (select count(*) from public.seller_sales_counts s, bounds b
      where s.year = p_year and s.month = p_month and s.items_sold between b.low and b.high)
    - (select count(*) from private.excluded_sellers x
         join public.seller_sales_counts s on s.seller_id = x.seller_id and s.year = p_year and s.month = p_month, bounds b
        where s.items_sold between b.low and b.high)
  else
    (select count(*) from public.seller_view_counts v, bounds b
      where v.year = p_year and v.month = p_month
        and v.rank_bucket > b.low_bucket and v.rank_bucket < b.high_bucket)
    + (select count(*) from public.seller_view_counts v, bounds b
        where v.year = p_year and v.month = p_month
          and v.rank_bucket in (b.low_bucket, b.high_bucket) and v.total_views between b.low and b.high)
    - (select count(*) from private.excluded_sellers x
         join public.seller_view_counts v on v.seller_id = x.seller_id and v.year = p_year and v.month = p_month, bounds b
        where v.total_views between b.low and b.high)
  end)::integer
$$;
grant execute on function private.leaderboard_count_between(text, integer, integer, integer, integer)
  to anon, authenticated, service_role;

-- The rows of a page of a board without their ranks: at most p_limit sellers right after (or right
-- before) the sort key (p_value, p_other, p_name, p_seller_id) of the period (p_year, p_month: the storage
-- key, 0/0 for all time), in no particular order. p_value is the figure of the board's metric, p_other the
-- other metric's.
create function private.leaderboard_keyset(
  p_metric text, p_year integer, p_month integer, p_limit integer,
  p_direction text, p_value integer, p_other integer, p_name text, p_seller_id uuid)
  returns table (seller_id uuid, display_name text, avatar_url text, items_sold integer, total_views integer,
                 figure integer, other integer)
  language plpgsql stable set search_path = '' set jit = off
as $$
#variable_conflict use_column
declare
  v_after constant boolean := p_direction = 'after';
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
  with cand as materialized (
    -- Sales: every seller with a figure between the bounds, and their views.
    select s.seller_id, s.items_sold, coalesce(v.total_views, 0) as total_views
      from public.seller_sales_counts s
      left join public.seller_view_counts v on v.seller_id = s.seller_id and v.year = p_year and v.month = p_month
     where p_metric = 'sales' and s.year = p_year and s.month = p_month and s.items_sold between v_low and v_high
       and not exists (select from private.excluded_sellers x where x.seller_id = s.seller_id)
    union all
    -- Views: every seller in the rank buckets between the bounds, and their sales.
    select v.seller_id, coalesce(s.items_sold, 0), v.total_views
      from public.seller_view_counts v
      left join public.seller_sales_counts s on s.seller_id = v.seller_id and s.year = p_year and s.month = p_month
     where p_metric = 'views' and v.year = p_year and v.month = p_month and v.rank_bucket between v_low and v_high
       and v.total_views > 0
       and not exists (select from private.excluded_sellers x where x.seller_id = v.seller_id)
  ),
  keyed as (
    select c.seller_id, u.display_name, u.avatar_url, c.items_sold, c.total_views,
           case when p_metric = 'sales' then c.items_sold else c.total_views end as figure,
           case when p_metric = 'sales' then c.total_views else c.items_sold end as other
      from cand c join public.users u on u.id = c.seller_id
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
  select * from page union all select * from page_before;
end;
$$;
grant execute on function private.leaderboard_keyset(text, integer, integer, integer, text, integer, integer, text, uuid)
  to anon, authenticated, service_role;

-- A page of a board: at most p_limit sellers right after (or right before) the sort key
-- (p_value, p_other, p_name, p_seller_id), in board order, with their ranks. p_value is the figure of the
-- board's metric, p_other the other metric's. An empty answer past either end.
create function public.get_leaderboard_page(
  p_metric text, p_period text, p_direction text, p_value integer, p_other integer, p_name text, p_seller_id uuid,
  p_year integer default null, p_month integer default null, p_limit integer default 50)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer)
  language plpgsql stable set search_path = '' set jit = off
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
  with rows as materialized (
    select * from private.leaderboard_keyset(p_metric, k.year, k.month, p_limit, p_direction,
                                             p_value, p_other, p_name, p_seller_id)
  ),
  -- Ranks: the page's first row (the highest figure) is 1 + the sellers strictly ahead; a row with a lower
  -- figure also has behind it the whole tie of the first figure and the page's rows between the two.
  -- Materialized: the counts run once per page, not once per row.
  anchor as materialized (
    select a.top, private.leaderboard_count_between(p_metric, k.year, k.month, a.top + 1, 2147483647) as ahead,
           private.leaderboard_count_between(p_metric, k.year, k.month, a.top, a.top) as ties,
           (select count(*) from rows r where r.figure = a.top)::integer as top_on_page
      from (select max(r.figure) as top from rows r) a
     where a.top is not null
  )
  select (case when r.figure = a.top then 1 + a.ahead
               else 1 + a.ahead + a.ties + (r.higher - a.top_on_page) end)::integer,
         r.seller_id, r.display_name, r.avatar_url, r.items_sold, r.total_views
    from (select r.*, (count(*) over (order by r.figure desc range between unbounded preceding and current row exclude group))::integer as higher
            from rows r) r
    cross join anchor a
   order by r.figure desc, r.other desc, r.display_name, r.seller_id;
end;
$$;
grant execute on function public.get_leaderboard_page(text, text, text, integer, integer, text, uuid, integer, integer, integer)
  to anon, authenticated, service_role;

-- The caller and the two sellers right above and right below them on a board, with ranks, in board
-- order. Empty when signed out, not ranked (0 in the metric) or excluded.
create function public.get_leaderboard_around_me(
  p_metric text default 'sales', p_period text default 'month', p_year integer default null, p_month integer default null)
  returns table (rank integer, seller_id uuid, display_name text, avatar_url text,
                 items_sold integer, total_views integer)
  language plpgsql stable set search_path = '' set jit = off
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
  v_ahead integer;
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
  -- One count of the sellers ahead of me (cheap only near the top); the neighbours' ranks follow from it
  -- and from the few sellers between them and me.
  v_ahead := private.leaderboard_count_between(p_metric, k.year, k.month, v_figure + 1, 2147483647);
  return query
  select (case when n.figure > v_figure
                 then 1 + v_ahead - private.leaderboard_count_between(p_metric, k.year, k.month, v_figure + 1, n.figure)
               when n.figure = v_figure then 1 + v_ahead
               else 1 + v_ahead + private.leaderboard_count_between(p_metric, k.year, k.month, n.figure + 1, v_figure)
          end)::integer,
         n.seller_id, n.display_name, n.avatar_url, n.items_sold, n.total_views
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
   order by n.part, n.figure desc, n.other desc, n.display_name, n.seller_id;
end;
$$;
grant execute on function public.get_leaderboard_around_me(text, text, integer, integer) to anon, authenticated, service_role;

-- The caller's monthly rank by sales and by views over the last 12 UTC months (the current one last),
-- with the month's figures; a rank is null for a month without that figure, and every rank is null while
-- the caller is excluded from the boards.
create function public.get_my_rank_history()
  returns table (year integer, month integer, items_sold integer, total_views integer,
                 rank_sales integer, rank_views integer)
  language plpgsql stable set search_path = '' set jit = off
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
              then 1 + private.leaderboard_count_between('sales', f.y, f.m, f.sold + 1, 2147483647) end,
         case when f.views > 0 and not v_excluded
              then 1 + private.leaderboard_count_between('views', f.y, f.m, f.views + 1, 2147483647) end
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
grant execute on function public.get_my_rank_history() to authenticated;
