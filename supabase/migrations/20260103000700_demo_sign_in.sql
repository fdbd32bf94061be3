-- Demo sign-in (embedded mode only): the proof that the app started this database, the one demo user it
-- signs in, and the list on the demo sign-in page. The server only, as service_role.

-- The launcher (and the test setup) writes a random per-start token here and hands the same token to
-- Next.js; demo sign-in and the well-known development secret work only while the database the app
-- talks to answers with that token. Everywhere else the table stays empty, so no environment variable
-- a deployer copies can switch demo sign-in on.
create table private.embedded_instance (
  id boolean primary key default true constraint embedded_instance_one_row check (id),
  token text not null constraint embedded_instance_token_length check (char_length(token) >= 32),
  started_at timestamptz not null default now()
);
alter table private.embedded_instance enable row level security;
revoke all on table private.embedded_instance from public, anon, authenticated, service_role;

create function public.embedded_instance_token()
  returns text
  language sql stable security definer set search_path = ''
as $$ select e.token from private.embedded_instance e where e.id $$;
grant execute on function public.embedded_instance_token() to service_role;

-- Demo sign-in looks up the one user it signs in (not every user): the server only, as service_role.
create function public.get_demo_user(p_user_id uuid)
  returns table (id uuid, display_name text, avatar_url text)
  language sql stable security invoker set search_path = ''
as $$
  select u.id, u.display_name, u.avatar_url from public.users u where u.id = p_user_id
$$;
grant execute on function public.get_demo_user(uuid) to service_role;

-- The demo sign-in page's list of users.
create function public.list_demo_users()
  returns table (id uuid, display_name text, avatar_url text, product_count integer, is_seller boolean)
  language sql stable security invoker set search_path = ''
as $$
  select u.id, u.display_name, u.avatar_url, coalesce(pc.n, 0)::integer, coalesce(pc.n, 0) > 0
  from public.users u
  left join (
    select p.seller_id, count(*) as n from public.products p group by p.seller_id
  ) pc on pc.seller_id = u.id
  order by coalesce(pc.n, 0) > 0 desc, u.display_name, u.id
$$;
grant execute on function public.list_demo_users() to service_role;

-- ---------------------------------------------------------------------------------------------
-- Last of the re-cut files (the fix-forward files after it change no table): statistics for the counter
-- tables and what they are counted from, so a database migrated by the
-- migrations alone (`supabase db push` to a hosted project, which never runs ANALYZE) plans the cache
-- triggers' lookups by key from its first write: never analyzed, the planner prices their indexes alike
-- and picks by creation order. The launcher and the db scripts analyze again after migrating
-- (scripts/lib/migrate.ts, ANALYZED_TABLES: keep the two lists the same).
-- ---------------------------------------------------------------------------------------------
analyze public.seller_sales_counts, public.seller_view_counts, public.products, public.product_views;
