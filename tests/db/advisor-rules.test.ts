/**
 * The catalogue rules behind Supabase's Security and Performance Advisors (the splinter lints), checked
 * on the migrated schema so they stay fixed (`npm run db:advisors` runs the lints themselves):
 *   - every function in public and private fixes its search_path (lint 0011);
 *   - no SECURITY DEFINER function in public is executable by anon or authenticated (lints 0028/0029:
 *     PostgREST would expose it at /rest/v1/rpc), except the few listed below with their reason;
 *   - at most one permissive policy per table, role and action (lint 0006);
 *   - every foreign key has an index starting with its columns (lint 0001).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

/**
 * SECURITY DEFINER functions in public that the API roles may call, and why each must be one.
 * Keep this list short: a privileged body belongs in schema private behind a security invoker wrapper.
 */
const EXPOSED_DEFINERS: Record<string, string> = {};

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

describe("the advisors' rules hold on the migrated schema", () => {
  it("every function in public and private sets search_path", async () => {
    const { rows } = await db.pool.query<{ name: string }>(
      `select p.oid::regprocedure::text as name
         from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
        order by 1`,
    );
    expect(rows.map((row) => row.name)).toEqual([]);
  });

  it("no SECURITY DEFINER function in public is executable by anon or authenticated, except those listed", async () => {
    const { rows } = await db.pool.query<{ name: string; roles: string[] }>(
      `select p.proname as name,
              array_remove(array[
                case when has_function_privilege('anon', p.oid, 'execute') then 'anon' end,
                case when has_function_privilege('authenticated', p.oid, 'execute') then 'authenticated' end
              ], null) as roles
         from pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.prosecdef
        order by 1`,
    );
    const exposed = rows.filter((row) => row.roles.length > 0 && !(row.name in EXPOSED_DEFINERS));
    expect(exposed).toEqual([]);
  });

  it("has at most one permissive policy per table, role and action", async () => {
    const { rows } = await db.pool.query<{ policy_table: string; role: string; action: string; policies: string[] }>(
      `select format('%I.%I', p.schemaname, p.tablename) as policy_table, r.role, a.action,
              array_agg(p.policyname::text order by p.policyname) as policies
         from pg_policies p
        cross join lateral unnest(p.roles) as r(role)
        cross join lateral unnest(case when p.cmd = 'ALL' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                                       else array[p.cmd] end) as a(action)
        where p.permissive = 'PERMISSIVE' and p.schemaname in ('public', 'private')
        group by 1, 2, 3
       having count(*) > 1
        order by 1, 2, 3`,
    );
    expect(rows).toEqual([]);
  });

  it("every foreign key has an index that starts with its columns", async () => {
    const { rows } = await db.pool.query<{ constraint_name: string }>(
      `select format('%s.%I', c.conrelid::regclass, c.conname) as constraint_name
         from pg_constraint c
        where c.contype = 'f'
          and c.connamespace in ('public'::regnamespace, 'private'::regnamespace)
          and not exists (
            select 1 from pg_index i
             where i.indrelid = c.conrelid
               and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] operator(pg_catalog.@>) c.conkey
               and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] operator(pg_catalog.<@) c.conkey)
        order by 1`,
    );
    expect(rows.map((row) => row.constraint_name)).toEqual([]);
  });
});
