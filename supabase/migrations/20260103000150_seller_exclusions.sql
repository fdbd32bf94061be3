-- Moderation: an admin can exclude a seller from the boards (issue 7; README "What counts on the leaderboard").
--
-- "Admin" the Supabase way: the JWT's app_metadata.role is 'admin'. app_metadata is set only by the
-- service (the Auth admin API or SQL), never by the user, unlike user_metadata. service_role (the server)
-- may moderate too. seller_exclusions records who excluded whom, why and when; re-including removes the row.
--
-- Exclusion is applied when the boards are read (20260103000200_leaderboard_read_api.sql, the dashboard),
-- not in the cache, which keeps every seller's exact figures, so seller_leaderboard_drift() and
-- rebuild_seller_leaderboard_cache() are unaffected and an exclusion takes effect, or is lifted, at once
-- without rewriting counters: the top-N functions leave excluded sellers out before ranking (so ranks
-- close up), `me` in get_leaderboard_summary and the dashboard's ranks are null for an excluded seller and
-- never count one ahead of anyone. The reads stay exact: excluded sellers are removed from the candidate
-- set and from the cutoff alike.

create table public.seller_exclusions (
  seller_id uuid primary key references public.users (id) on delete cascade,
  -- Null when the server (service_role) or admin SQL excluded the seller.
  excluded_by uuid references public.users (id) on delete set null,
  reason text not null check (char_length(btrim(reason)) between 1 and 500),
  excluded_at timestamptz not null default now()
);
comment on table public.seller_exclusions is
  'Sellers excluded from the leaderboards (moderation): who excluded them, why, when. Written only by exclude_seller/include_seller.';

alter table public.seller_exclusions enable row level security;
revoke all on table public.seller_exclusions from public, anon, authenticated, service_role;
-- The boards read who is excluded (security invoker functions); who and why stay with moderators.
grant select (seller_id) on table public.seller_exclusions to anon, authenticated;
grant select on table public.seller_exclusions to service_role;
create policy "excluded sellers are public" on public.seller_exclusions
  for select to anon, authenticated, service_role using (true);

-- Refuses (42501, 'only an admin can <p_action>') anyone but service_role and a signed-in admin
-- (app_metadata.role = 'admin').
create function private.require_leaderboard_admin(p_action text) returns void
  language plpgsql stable set search_path = ''
as $$
begin
  if not (coalesce(current_setting('role', true), '') = 'service_role'
          or coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin') then
    raise exception 'only an admin can %', p_action using errcode = 'insufficient_privilege';
  end if;
end;
$$;

create function public.exclude_seller(p_seller_id uuid, p_reason text) returns void
  language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.require_leaderboard_admin('exclude a seller');
  if p_seller_id is null or p_reason is null or btrim(p_reason) = '' then
    raise exception 'a seller and a reason are required' using errcode = 'invalid_parameter_value';
  end if;
  insert into public.seller_exclusions (seller_id, excluded_by, reason)
  values (p_seller_id, (select u.id from public.users u where u.id = auth.uid()), btrim(p_reason))
  on conflict (seller_id) do update
    set excluded_by = excluded.excluded_by, reason = excluded.reason, excluded_at = excluded.excluded_at;
end;
$$;
comment on function public.exclude_seller(uuid, text) is 'Moderation: takes a seller off the boards (admins and service_role).';

create function public.include_seller(p_seller_id uuid) returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.require_leaderboard_admin('re-include a seller');
  delete from public.seller_exclusions x where x.seller_id = p_seller_id;
  return found;
end;
$$;
comment on function public.include_seller(uuid) is 'Moderation: puts an excluded seller back on the boards; true when they were excluded.';

grant execute on function public.exclude_seller(uuid, text) to authenticated, service_role;
grant execute on function public.include_seller(uuid) to authenticated, service_role;
