-- Supabase compatibility.
--
-- On a Supabase project the roles, the auth schema and its helpers already exist and this migration
-- changes nothing. On a plain PostgreSQL (the embedded server, any DATABASE_URL) it creates only what
-- is missing, with the same names and behaviour, so every later migration runs unchanged on both.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

-- The server connects as the migration user and switches role per request (as PostgREST does with
-- its `authenticator` user), so that user must be able to `set role` to each API role.
do $$
begin
  if not pg_has_role(current_user, 'anon', 'member') then
    execute format('grant anon to %I', current_user);
  end if;
  if not pg_has_role(current_user, 'authenticated', 'member') then
    execute format('grant authenticated to %I', current_user);
  end if;
  if not pg_has_role(current_user, 'service_role', 'member') then
    execute format('grant service_role to %I', current_user);
  end if;
end
$$;

grant usage on schema public to anon, authenticated, service_role;

-- Supabase grants every API role everything on new objects in `public` by default. We reproduce
-- that here so tests see the same starting point, and every migration narrows its own grants.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

-- The auth schema. On hosted Supabase it belongs to supabase_admin and `postgres` has no CREATE on it:
-- PostgreSQL checks that privilege before it looks at `if not exists`, so every create below is guarded
-- by a catalogue check, and we grant in `auth` only where this migration created the schema (elsewhere
-- the grants are Supabase's and ours would only warn).
do $$
declare
  v_created_schema boolean := false;
  v_claim record;
begin
  if not exists (select 1 from pg_namespace where nspname = 'auth') then
    create schema auth;
    v_created_schema := true;
  end if;

  -- A minimal auth.users: on Supabase, GoTrue owns the real (much wider) table.
  if to_regclass('auth.users') is null then
    create table auth.users (
      id uuid primary key default gen_random_uuid(),
      email text unique,
      raw_user_meta_data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );
  end if;

  -- The claims of the current request, set per transaction by the API layer.
  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb
      language sql stable
      as $f$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $f$;
  end if;
  -- auth.uid() and auth.role(): one claim of the current request (its own setting, else the claims).
  for v_claim in select * from (values ('uid', 'sub', 'uuid'), ('role', 'role', 'text')) c (fn, claim, type) loop
    if to_regprocedure(format('auth.%s()', v_claim.fn)) is null then
      execute format($create$
        create function auth.%I() returns %s
          language sql stable
          as $f$
            select coalesce(
              nullif(current_setting('request.jwt.claim.%s', true), ''),
              (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> %L)
            )::%s
          $f$
        $create$, v_claim.fn, v_claim.type, v_claim.claim, v_claim.claim, v_claim.type);
    end if;
  end loop;

  if v_created_schema then
    grant usage on schema auth to anon, authenticated, service_role;
    grant execute on function auth.uid(), auth.jwt(), auth.role() to anon, authenticated, service_role;
  end if;
end
$$;
