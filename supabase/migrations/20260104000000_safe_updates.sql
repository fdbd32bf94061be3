-- pg-safeupdate: Supabase preloads it for requests through its REST API, and it refuses a DELETE or
-- UPDATE without a WHERE clause, inside functions and triggers too. The queue drain below had none, so
-- every status change and delete failed there (21000). `where true` states that all of it is meant:
-- the queue only ever holds this transaction's rows. tests/db/safe-updates.test.ts checks every body.
create or replace function private.leaderboard_apply_pending() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_changes private.leaderboard_delta[];
begin
  with drained as (delete from private.leaderboard_pending where true returning *),
  keyed as (
    select seller_id, year, month, d_sold, d_views from drained
    union all
    select seller_id, 0, 0, d_sold, d_views from drained
  ),
  summed as (
    select seller_id, year, month, sum(d_sold)::integer as d_sold, sum(d_views)::integer as d_views
      from keyed
     group by seller_id, year, month
    having sum(d_sold) <> 0 or sum(d_views) <> 0
  )
  select array_agg(row(seller_id, year, month, d_sold, d_views)::private.leaderboard_delta
                   order by seller_id, year, month)
    into v_changes from summed;
  perform private.leaderboard_apply(v_changes);
  return null;
end;
$$;
revoke execute on function private.leaderboard_apply_pending() from public, anon, authenticated, service_role;
