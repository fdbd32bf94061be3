-- leaderboard_rank_bucket, fixed forward: the same function, no longer STRICT. PostgreSQL inlines a SQL
-- function only when inlining cannot change its answer, and a STRICT function whose body is not strict
-- (a CASE) is never inlined: the generated column seller_view_counts.rank_bucket then ran a full SQL
-- function call on every counter write (two per view), about 15-20 us of a single backend's time each.
-- The answer is unchanged for every input, null included (the CASE yields null for a null count), so the
-- stored values stay valid and nothing is rewritten.
create or replace function public.leaderboard_rank_bucket(p_views integer) returns smallint
  language sql immutable parallel safe
  return case
    when p_views < 128 then greatest(p_views, 0)
    else (floor(ln(p_views::double precision) / ln(2::double precision))::integer - 6) * 64
         + (p_views >> (floor(ln(p_views::double precision) / ln(2::double precision))::integer - 6))
  end::smallint;
