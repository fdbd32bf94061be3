-- Rate limits and quotas, kept in Postgres so they hold across any number of app instances: one small
-- table of fixed-window counters, one row per key, upserted per request through one function
-- (public.take_rate_limit). Each call costs one upsert by primary key; expired windows are deleted two
-- at a time by the calls themselves, so the table stays as small as the set of keys active in the
-- last window.
--
-- Also here: the per-user quota of new products a day, enforced by a trigger on products, so it holds
-- for the API route and for a client inserting through the REST API alike.

create table private.rate_limit_windows (
  -- What is limited and for whom, e.g. 'views:<keyed hash of an address>' or 'products:<user id>'.
  key text primary key constraint rate_limit_windows_key_length check (char_length(key) between 1 and 200),
  hits integer not null check (hits >= 1),
  -- The end of the key's current window; a hit after it starts a new window.
  expires_at timestamptz not null
);
create index rate_limit_windows_expires_at_idx on private.rate_limit_windows (expires_at);
comment on table private.rate_limit_windows is
  'Fixed-window counters of the rate limits and quotas (public.take_rate_limit); expired rows are deleted as calls go by.';
alter table private.rate_limit_windows enable row level security;
revoke all on table private.rate_limit_windows from anon, authenticated;

-- Deletes at most p_max expired windows (oldest first), through the expires_at index.
create function private.delete_expired_rate_limit_windows(p_max integer)
  returns integer
  language sql volatile set search_path = ''
as $$
  with expired as (
    select w.key from private.rate_limit_windows w
     where w.expires_at < now()
     order by w.expires_at
     limit p_max
       for update skip locked
  ), gone as (
    delete from private.rate_limit_windows w using expired e where w.key = e.key returning 1
  )
  select count(*)::integer from gone;
$$;

-- Counts one hit of p_key in its current window of p_window_seconds. Answers 0 when the hit is within
-- p_limit, else the seconds until the window ends (what Retry-After says). Each call also deletes up
-- to 2 expired windows (an index probe): more than the one key a call can add, so the table stays
-- bounded by the keys active in the last window.
create function private.take_rate_limit(p_key text, p_limit integer, p_window_seconds integer)
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
  perform private.delete_expired_rate_limit_windows(2);
  if v_hits <= p_limit then
    return 0;
  end if;
  return greatest(1, ceil(extract(epoch from v_expires - now())))::integer;
end;
$$;

-- The app server's way in (service_role only: the keys it passes are keyed hashes of addresses and
-- verified user ids, which a client must not be able to spend or reset for someone else).
create function public.take_rate_limit(p_key text, p_limit integer, p_window_seconds integer)
  returns integer
  language sql volatile security definer set search_path = ''
as $$ select private.take_rate_limit(p_key, p_limit, p_window_seconds) $$;
grant execute on function public.take_rate_limit(text, integer, integer) to service_role;
comment on function public.take_rate_limit(text, integer, integer) is
  'Counts one hit of a key in its fixed window: 0 when within the limit, else the seconds until the window ends. Server only.';

-- ---------------------------------------------------------------------------------------------
-- Quota: at most private.products_per_day() new products per user in a rolling 24-hour window.
-- Applies to API roles only (imports and admin SQL are not limited). A refused insert raises PT429
-- (HTTP 429) with the seconds to wait in its detail; the counter's increment rolls back with it.
-- ---------------------------------------------------------------------------------------------
create function private.products_per_day()
  returns integer
  language sql immutable set search_path = ''
as $$ select 50 $$;

create function private.products_enforce_daily_quota() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_wait integer;
begin
  -- (No seller: the insert policy and the not-null constraint refuse it, with their own errors.)
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') and new.seller_id is not null then
    v_wait := private.take_rate_limit('products:' || new.seller_id::text, private.products_per_day(), 86400);
    if v_wait > 0 then
      raise exception 'You can list at most % new products a day. Try again later.', private.products_per_day()
        using errcode = 'PT429', detail = v_wait::text;
    end if;
  end if;
  return new;
end;
$$;

create trigger products_enforce_daily_quota
  before insert on public.products
  for each row execute function private.products_enforce_daily_quota();
