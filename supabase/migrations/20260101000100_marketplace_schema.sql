-- Marketplace schema: profiles, products, counted product views and messages.
-- Every table gets RLS right after it is created. Supabase's default privileges hand every API role
-- everything, so each table first revokes all from anon/authenticated and then grants the least it needs.

-- Functions are closed by default (basejump's habit): a new function is executable by its owner only,
-- and each one grants execute to exactly the roles that call it, once, next to it; nothing revokes per
-- function. Default privileges belong to the role that creates the objects: this assumes every migration
-- runs as one role, the one running this file (on hosted Supabase `postgres`, whose defaults in schema
-- public grant the API roles everything; locally the migration user, given the same defaults by
-- 20260101000000_supabase_compat.sql, whose auth helpers, Supabase's own, keep theirs).
-- PUBLIC's execute is a built-in default that a per-schema revoke cannot take away (per-schema default
-- privileges only add to the global ones), hence the global form for PUBLIC.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated, service_role;

-- Schema private: internals (trigger functions, leaderboard plumbing, helpers). The API exposes only
-- public; the API roles get USAGE here for the few helpers that security-invoker functions in public call
-- as the caller, each granted by name.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;
comment on schema private is 'Internal helpers (trigger functions, leaderboard plumbing, checks). API roles get USAGE only to call the helpers that security-invoker functions in public call as the caller, each granted by name; no other function or table here is granted to them.';

-- ---------------------------------------------------------------------------------------------
-- users: the public profile of an auth user, created by a trigger when someone signs up.
-- ---------------------------------------------------------------------------------------------
create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 80),
  avatar_url text check (avatar_url is null or char_length(avatar_url) <= 2048),
  created_at timestamptz not null default now(),
  -- An avatar a browser may load as an image: https anywhere, http only on this machine (development).
  -- Written out here and in the sign-up trigger (no helper function: check constraints run with the
  -- writer's privileges, and API roles get no execute on private functions).
  constraint users_avatar_url_https check (
    avatar_url is null
    or (avatar_url ~* '^https://[^\s/?#@]+([/?#][^\s]*)?$'
         or avatar_url ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?([/?#][^\s]*)?$'))
);
comment on table public.users is 'Public profile of each auth user (sellers and shoppers).';

alter table public.users enable row level security;
revoke all on table public.users from anon, authenticated;
grant select on table public.users to anon, authenticated;
grant update (display_name, avatar_url) on table public.users to authenticated;
grant all on table public.users to service_role;

create policy "profiles are public" on public.users
  for select to anon, authenticated using (true);
create policy "users edit their own profile" on public.users
  for update to authenticated
  using (id = (select auth.uid())) with check (id = (select auth.uid()));

-- The usual Supabase pattern: a sign-up creates the profile, named from the sign-up metadata. The
-- metadata is the user's own input: an unsafe avatar is dropped rather than failing the sign-up.
create function public.handle_new_auth_user() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_avatar text := new.raw_user_meta_data ->> 'avatar_url';
begin
  insert into public.users (id, display_name, avatar_url)
  values (
    new.id,
    coalesce(
      nullif(btrim(left(new.raw_user_meta_data ->> 'display_name', 80)), ''),
      nullif(btrim(left(new.raw_user_meta_data ->> 'full_name', 80)), ''),
      nullif(btrim(left(split_part(coalesce(new.email, ''), '@', 1), 80)), ''),
      'New user'
    ),
    case when char_length(v_avatar) <= 2048
          and (v_avatar ~* '^https://[^\s/?#@]+([/?#][^\s]*)?$'
         or v_avatar ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?([/?#][^\s]*)?$')
         then v_avatar end
  )
  on conflict (id) do nothing;
  return new;
end;
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_auth_user();

-- ---------------------------------------------------------------------------------------------
-- products
-- ---------------------------------------------------------------------------------------------
create table public.products (
  id uuid primary key default gen_random_uuid(),
  -- The seller is always the caller: clients cannot name another seller (no insert grant on it).
  seller_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  description text not null default '' check (char_length(description) <= 5000),
  price numeric(12, 2) not null check (price >= 0),
  status text not null default 'draft' check (status in ('active', 'sold', 'draft')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- No view counter here: keeping one exact would make a viral product's row a lock every view waits
-- for, so a product's views are derived from product_views (public.product_view_total).

create index products_active_newest_idx on public.products (created_at desc, id desc) where status = 'active';
create index products_seller_idx on public.products (seller_id, created_at desc);

alter table public.products enable row level security;
revoke all on table public.products from anon, authenticated;
grant select on table public.products to anon, authenticated;
grant insert (title, description, price, status) on table public.products to authenticated;
grant update (title, description, price, status) on table public.products to authenticated;
grant delete on table public.products to authenticated;
grant all on table public.products to service_role;

create policy "anyone reads listed products" on public.products
  for select to anon, authenticated using (status in ('active', 'sold'));
create policy "sellers read their own products" on public.products
  for select to authenticated using (seller_id = (select auth.uid()));
-- A client creates a product as draft or active only (create_product's rule), never already sold.
create policy "sellers create their own products" on public.products
  for insert to authenticated with check (seller_id = (select auth.uid()) and status in ('draft', 'active'));
create policy "sellers edit their own products" on public.products
  for update to authenticated
  using (seller_id = (select auth.uid())) with check (seller_id = (select auth.uid()));
-- A sold product is part of the sales record and cannot be deleted (delete_product answers 409).
create policy "sellers delete their own products" on public.products
  for delete to authenticated using (seller_id = (select auth.uid()) and status <> 'sold');

-- updated_at records a user's edit (title, description, price, status) and nothing else.
create function public.products_touch_updated_at() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  if (new.title, new.description, new.price, new.status)
     is distinct from (old.title, old.description, old.price, old.status) then
    new.updated_at := now();
  end if;
  return new;
end;
$$;

create trigger products_touch_updated_at
  before update of title, description, price, status on public.products
  for each row execute function public.products_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- product_views: counted views only. A viewer (user, else anonymous session) counts once per
-- product per month of the leaderboard time zone (UTC).
-- ---------------------------------------------------------------------------------------------
create table public.product_views (
  id bigint generated always as identity primary key,
  product_id uuid not null references public.products (id) on delete cascade,
  user_id uuid references public.users (id) on delete cascade,
  session_id uuid,
  viewed_at timestamptz not null default now(),
  -- The UTC month of the view, the de-duplication key's month. 'UTC' is written out: this file runs before
  -- 20260103000000_leaderboard_storage.sql defines public.leaderboard_time_zone() (and
  -- private.leaderboard_month_start(), which readers compare this column with); the two must agree.
  view_month date not null generated always as ((date_trunc('month', viewed_at at time zone 'UTC'))::date) stored,
  -- A keyed hash of an anonymous viewer's address, passed by the server (record_product_view's cap).
  client_key text constraint product_views_client_key_length check (char_length(client_key) between 1 and 128),
  constraint product_views_one_viewer check ((user_id is null) <> (session_id is null))
);

create unique index product_views_once_per_viewer_month
  on public.product_views (product_id, (coalesce(user_id, session_id)), view_month);
-- Trending products (get_trending_products) range-scan a window of viewed_at, index-only.
create index product_views_viewed_at_product_idx on public.product_views (viewed_at) include (product_id);
create index product_views_user_idx on public.product_views (user_id) where user_id is not null;

alter table public.product_views enable row level security;
revoke all on table public.product_views from anon, authenticated;
-- No client reads or writes views directly: record_product_view() is the way in.
grant all on table public.product_views to service_role;

-- ---------------------------------------------------------------------------------------------
-- messages between users, optionally about a product.
-- ---------------------------------------------------------------------------------------------
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  sender_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  recipient_id uuid not null references public.users (id) on delete cascade,
  product_id uuid references public.products (id) on delete set null,
  body text not null check (char_length(btrim(body)) between 1 and 4000),
  created_at timestamptz not null default now(),
  read_at timestamptz,
  constraint messages_not_to_self check (sender_id <> recipient_id)
);
create index messages_recipient_unread_idx on public.messages (recipient_id) where read_at is null;
create index messages_sender_idx on public.messages (sender_id, created_at desc);
create index messages_recipient_idx on public.messages (recipient_id, created_at desc);
create index messages_product_idx on public.messages (product_id) where product_id is not null;

alter table public.messages enable row level security;
revoke all on table public.messages from anon, authenticated;
grant select on table public.messages to authenticated;
grant insert (recipient_id, product_id, body) on table public.messages to authenticated;
grant update (read_at) on table public.messages to authenticated;
grant all on table public.messages to service_role;

create policy "sender and recipient read a message" on public.messages
  for select to authenticated
  using ((select auth.uid()) in (sender_id, recipient_id));
-- A message may only be about a product its sender can see: the foreign key alone (which ignores RLS)
-- would tell a sender whether any product id exists, drafts of other sellers included.
create policy "users send messages as themselves" on public.messages
  for insert to authenticated
  with check (
    sender_id = (select auth.uid())
    -- The subquery runs under the sender's RLS: only listed products and their own drafts are found.
    and (product_id is null or exists (select 1 from public.products p where p.id = product_id))
  );
create policy "recipients mark messages read" on public.messages
  for update to authenticated
  using (recipient_id = (select auth.uid())) with check (recipient_id = (select auth.uid()));
