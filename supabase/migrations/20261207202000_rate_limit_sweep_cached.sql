-- The rate limit's sweep of expired windows and old view budgets, made cheap enough to run on every view.
--
-- private.delete_expired_rate_limit_windows was a SQL function: PostgreSQL plans a SQL function's
-- statement again on every call (only PL/pgSQL keeps its plans for the session), and planning its four
-- data-modifying CTEs cost more than the rest of a view (one view call with the rate limit: about a
-- quarter of the calls a second of one without; docs/performance.md, "Limits"). The same statement in
-- PL/pgSQL is planned once per connection.
--
-- take_rate_limit now sweeps only when a window starts (a new key, or a key whose window ended): that is
-- when a call can add a row, and deleting two expired rows each time still keeps the table bounded by
-- the keys active in the last window.

create or replace function private.delete_expired_rate_limit_windows(p_max integer)
  returns integer
  language plpgsql volatile set search_path = ''
as $$
declare
  v_deleted integer;
begin
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
  select ((select count(*) from gone) + (select count(*) from budgets_gone))::integer into v_deleted;
  return v_deleted;
end;
$$;

create or replace function private.take_rate_limit(p_key text, p_limit integer, p_window_seconds integer)
  returns integer
  language plpgsql volatile set search_path = ''
as $$
declare
  v_hits integer;
  v_expires timestamptz;
begin
  if p_key is null or p_limit is null or p_limit < 1 or p_window_seconds is null
     or p_window_seconds not between 1 and 31 * 86400 then
    raise exception 'a key, a limit of at least 1 and a window of 1 s to 31 days are required'
      using errcode = 'invalid_parameter_value';
  end if;
  insert into private.rate_limit_windows as w (key, hits, expires_at)
  values (p_key, 1, now() + make_interval(secs => p_window_seconds))
  on conflict (key) do update
     set hits = case when w.expires_at <= now() then 1 else w.hits + 1 end,
         expires_at = case when w.expires_at <= now() then excluded.expires_at else w.expires_at end
  returning w.hits, w.expires_at into v_hits, v_expires;
  if v_hits = 1 then
    perform private.delete_expired_rate_limit_windows(2);
  end if;
  if v_hits <= p_limit then
    return 0;
  end if;
  return greatest(1, ceil(extract(epoch from v_expires - now())))::integer;
end;
$$;
