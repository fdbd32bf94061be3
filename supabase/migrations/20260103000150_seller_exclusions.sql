-- Moderation: an admin can exclude a seller from the boards (issue 7; README "What counts on the leaderboard").
--
-- "Admin" the Supabase way: the JWT's app_metadata.role is 'admin'. app_metadata is set only by the
-- service (the Auth admin API or SQL), never by the user, unlike user_metadata. service_role (the server)
-- may moderate too. seller_exclusions is the moderation history: who excluded whom, why and when, and who
-- re-included them when (included_at, included_by). A seller is excluded while a row of theirs has
-- included_at null (at most one: a partial unique index); re-including stamps that row, so excluding the
-- same seller again later adds a new one. private.excluded_sellers is that rule, once.
--
-- Exclusion is applied when the boards are read (20260103000200_leaderboard_read_api.sql, the dashboard),
-- not in the cache, which keeps every seller's exact figures, so seller_leaderboard_drift() and
-- rebuild_seller_leaderboard_cache() are unaffected and an exclusion takes effect, or is lifted, at once
-- without rewriting counters: the top-N functions leave excluded sellers out before ranking (so ranks
-- close up), `me` in get_leaderboard_summary and the dashboard's ranks are null for an excluded seller and
-- never count one ahead of anyone. The reads stay exact: excluded sellers are removed from the candidate
-- set and from the cutoff alike.

create table public.seller_exclusions (
  id bigint generated always as identity primary key,
  seller_id uuid not null references public.users (id) on delete cascade,
  -- Null when the server (service_role) or admin SQL excluded the seller.
  excluded_by uuid references public.users (id) on delete set null,
  reason text not null check (char_length(btrim(reason)) between 1 and 500),
  excluded_at timestamptz not null default now(),
  -- When the seller was put back on the boards; null while the exclusion stands.
  included_at timestamptz,
  -- Who put them back (null: the server, admin SQL, or still excluded).
  included_by uuid references public.users (id) on delete set null,
  constraint seller_exclusions_included_by_when check (included_by is null or included_at is not null)
);
comment on table public.seller_exclusions is
  'Moderation history: sellers excluded from the leaderboards, who excluded them, why, when, and who re-included them when. Excluded while included_at is null. Written only by exclude_seller/include_seller.';
-- One standing exclusion per seller; the readers' lookups (private.excluded_sellers) use it.
create unique index seller_exclusions_one_standing_idx on public.seller_exclusions (seller_id) where included_at is null;
-- A seller's history (and the cascade from users).
create index seller_exclusions_seller_idx on public.seller_exclusions (seller_id, excluded_at);

alter table public.seller_exclusions enable row level security;
revoke all on table public.seller_exclusions from public, anon, authenticated, service_role;
revoke all on sequence public.seller_exclusions_id_seq from public, anon, authenticated, service_role;
-- The history (who and why) stays with moderators; the boards read who is excluded now through
-- private.excluded_sellers.
grant select on table public.seller_exclusions to service_role;
create policy "moderators read the exclusions" on public.seller_exclusions
  for select to service_role using (true);

-- Who is excluded now: the one copy of the rule. A plain view (the owner's privileges), so the API roles,
-- whose security-invoker read functions use it, see who is excluded and nothing of the history; views are
-- expanded into the query, so `not exists (select from private.excluded_sellers ...)` plans as an
-- anti-join on seller_exclusions_one_standing_idx.
create view private.excluded_sellers as
  select x.seller_id from public.seller_exclusions x where x.included_at is null;
comment on view private.excluded_sellers is 'Sellers excluded from the boards now (seller_exclusions rows with included_at null).';
revoke all on table private.excluded_sellers from public, anon, authenticated, service_role;
grant select on table private.excluded_sellers to anon, authenticated, service_role;

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
  -- Excluding a seller who is excluded already restates the standing exclusion (who, why, when).
  insert into public.seller_exclusions (seller_id, excluded_by, reason)
  values (p_seller_id, (select u.id from public.users u where u.id = auth.uid()), btrim(p_reason))
  on conflict (seller_id) where included_at is null do update
    set excluded_by = excluded.excluded_by, reason = excluded.reason, excluded_at = excluded.excluded_at;
end;
$$;
comment on function public.exclude_seller(uuid, text) is 'Moderation: takes a seller off the boards (admins and service_role).';

create function public.include_seller(p_seller_id uuid) returns boolean
  language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.require_leaderboard_admin('re-include a seller');
  -- The record stays: stamped with who re-included the seller, and when.
  update public.seller_exclusions x
     set included_at = now(), included_by = (select u.id from public.users u where u.id = auth.uid())
   where x.seller_id = p_seller_id and x.included_at is null;
  return found;
end;
$$;
comment on function public.include_seller(uuid) is 'Moderation: puts an excluded seller back on the boards (the exclusion''s record stays, stamped); true when they were excluded.';

grant execute on function public.exclude_seller(uuid, text) to authenticated, service_role;
grant execute on function public.include_seller(uuid) to authenticated, service_role;
