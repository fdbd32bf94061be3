-- A view of a product that is gone fails at once in the cache trigger (issue 6, item 4), before it takes
-- any counter lock or probes any slot. Normally the foreign key check (an earlier trigger by name) has
-- already refused it; this covers the paths where it has not run, and states the rule.
create or replace function private.leaderboard_view_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_seller uuid;
  v_year integer := private.leaderboard_year(new.viewed_at);
  v_month integer := private.leaderboard_month(new.viewed_at);
  v_count integer := coalesce(nullif(current_setting('leaderboard.views_inserted', true), ''), '0')::integer;
  v_now timestamptz;
  v_lock1 integer;
  v_all_done boolean := false;
  v_month_done boolean := false;
begin
  select p.seller_id into v_seller from public.products p where p.id = new.product_id;
  if v_seller is null then
    -- The product is gone (its foreign key check did not run first: triggers disabled for an import, or
    -- a replica session): fail now, as the foreign key would, instead of probing 65 counter slots of a
    -- null seller before a not-null error.
    raise exception 'product % does not exist', new.product_id
      using errcode = 'foreign_key_violation', constraint = 'product_views_product_id_fkey';
  end if;
  if v_count >= 256 then
    perform private.leaderboard_add_views(v_seller, 0, 0, 1, 'rows');
    perform private.leaderboard_add_views(v_seller, v_year, v_month, 1, 'rows');
    return null;
  end if;
  perform set_config('leaderboard.views_inserted', (v_count + 1)::text, true);
  -- The usual case, inlined ('probe' of leaderboard_add_views without its nested calls): slot 0 of the
  -- all-time key is free and its row exists, then the same for the month. Plain full-key updates: they use
  -- the primary key even before the table has statistics.
  v_lock1 := pg_catalog.uuid_hash(v_seller);
  v_now := clock_timestamp();
  if pg_catalog.pg_try_advisory_xact_lock(v_lock1, 0) then
    update public.seller_view_counts
       set total_views = total_views + 1, last_updated = v_now,
           changed_at = case when changed_at > v_now - interval '1 second' then changed_at else v_now end
     where seller_id = v_seller and year = 0 and month = 0 and slot = 0;
    v_all_done := found;
  end if;
  if not v_all_done then
    perform private.leaderboard_add_views(v_seller, 0, 0, 1, 'probe');
  end if;
  if pg_catalog.pg_try_advisory_xact_lock(v_lock1, (v_year * 13 + v_month) * 65) then
    update public.seller_view_counts
       set total_views = total_views + 1, last_updated = v_now,
           changed_at = case when changed_at > v_now - interval '1 second' then changed_at else v_now end
     where seller_id = v_seller and year = v_year and month = v_month and slot = 0;
    v_month_done := found;
  end if;
  if not v_month_done then
    perform private.leaderboard_add_views(v_seller, v_year, v_month, 1, 'probe');
  end if;
  return null;
end;
$$;
