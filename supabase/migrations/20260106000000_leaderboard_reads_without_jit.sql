-- Leaderboard reads never JIT-compile.
--
-- On a build with JIT (Debian's and most packaged or hosted PostgreSQL), the month reads over 100k sellers
-- x 24 months are estimated above jit_above_cost (the estimate counts every row of the period, though the
-- functions visit only a few through indexes) and spent about 21 of their 24 ms compiling, against about
-- 2 ms without (npm run bench, "read", Debian column). Each of these reads touches a few dozen rows, so
-- compiling can never pay off: turn JIT off for the functions that read the cache, whatever their
-- overloads (a DO block, so a later redefinition's signature does not break this migration). A function's
-- SET applies to everything it calls, and jit is a user-settable parameter (fine on hosted Supabase).
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'public'::regnamespace
       and p.proname in ('get_top_sellers_by_sales', 'get_top_sellers_by_views', 'get_leaderboard_summary',
                         'get_leaderboard_last_updated', 'get_seller_dashboard', 'leaderboard_views_ahead')
  loop
    execute format('alter function %s set jit = off', f);
  end loop;
end;
$$;
