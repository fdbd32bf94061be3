/**
 * npm run db:diff [-- REF]: what the migrations of the working tree change in the database catalogue
 * compared with the migrations at git REF (default: main). Both sets are applied with the Supabase CLI
 * to two fresh databases on one temporary embedded PostgreSQL, then tables, columns, constraints,
 * indexes, triggers, policies, views, types, grants (tables, functions, schemas, defaults), comments and
 * functions (signature, defaults, result, language, volatility, strictness, parallel safety, security
 * definer, proconfig, body with comments dropped and white space folded) are compared. Prints every
 * difference (for a body, the lines only one side has); exit code 1 when there is any.
 * For a reorganisation of migrations that must not change behaviour.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./lib/net";
import { startEmbeddedPostgres } from "./lib/embedded-postgres";
import { PROJECT_ROOT } from "./lib/paths";
import { supabaseCli } from "./lib/migrate";
import { withClient } from "./lib/pg-client";

const SCHEMAS = "('public', 'private', 'auth')";

/** One line per catalogue fact, grouped by kind; a function's body is named by its signature. */
const CATALOGUE: Record<string, string> = {
  relation: `
    select c.oid::regclass::text || ' kind=' || c.relkind::text || ' persistence=' || c.relpersistence::text
           || ' rls=' || c.relrowsecurity || ' force_rls=' || c.relforcerowsecurity
           || ' options=' || coalesce(array_to_string(c.reloptions, ','), '')
      from pg_class c where c.relnamespace::regnamespace::text in ${SCHEMAS} and c.relkind in ('r', 'v', 'm', 'p', 'S', 'f')`,
  column: `
    select a.attrelid::regclass::text || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || case when a.attnotnull then ' not null' else '' end
           || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
           || case when a.attgenerated <> '' then ' generated ' || a.attgenerated::text else '' end
           || case when a.attidentity <> '' then ' identity ' || a.attidentity::text else '' end
           -- The position among live columns (what select * shows): a dropped column leaves a gap in attnum.
           || ' #' || row_number() over (partition by a.attrelid order by a.attnum)
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where c.relnamespace::regnamespace::text in ${SCHEMAS} and c.relkind in ('r', 'v', 'm', 'p', 'f', 'c')
       and a.attnum > 0 and not a.attisdropped`,
  constraint: `
    select coalesce(nullif(c.conrelid, 0)::regclass::text, c.contypid::regtype::text) || ' ' || c.conname || ': '
           || pg_get_constraintdef(c.oid)
      from pg_constraint c where c.connamespace::regnamespace::text in ${SCHEMAS}`,
  index: `select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid
           where c.relnamespace::regnamespace::text in ${SCHEMAS}`,
  trigger: `select pg_get_triggerdef(t.oid) || case when t.tgenabled <> 'O' then ' enabled=' || t.tgenabled::text else '' end
              from pg_trigger t join pg_class c on c.oid = t.tgrelid
             where not t.tgisinternal and c.relnamespace::regnamespace::text in ${SCHEMAS}`,
  policy: `select schemaname || '.' || tablename || ' "' || policyname || '" ' || permissive || ' ' || cmd
                  || ' to ' || array_to_string(roles, ',') || ' using ' || coalesce(qual, '-') || ' check ' || coalesce(with_check, '-')
             from pg_policies where schemaname in ${SCHEMAS}`,
  view: `select c.oid::regclass::text || ': ' || pg_get_viewdef(c.oid) from pg_class c
          where c.relkind in ('v', 'm') and c.relnamespace::regnamespace::text in ${SCHEMAS}`,
  type: `select t.oid::regtype::text || ' ' || t.typtype::text from pg_type t
          where t.typnamespace::regnamespace::text in ${SCHEMAS} and t.typtype in ('c', 'e', 'd')
            and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')`,
  "relation grant": `
    select c.oid::regclass::text || ' ' || case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end || ' ' || a.privilege_type
           || case when a.is_grantable then ' (grantable)' else '' end
      from pg_class c, aclexplode(coalesce(c.relacl, acldefault(case when c.relkind = 'S' then 's' else 'r' end::"char", c.relowner))) a
     where c.relnamespace::regnamespace::text in ${SCHEMAS} and c.relkind in ('r', 'v', 'm', 'p', 'S', 'f')`,
  "column grant": `
    select a.attrelid::regclass::text || '.' || a.attname || ' ' || case when x.grantee = 0 then 'PUBLIC' else x.grantee::regrole::text end || ' ' || x.privilege_type
      from pg_attribute a join pg_class c on c.oid = a.attrelid, aclexplode(a.attacl) x
     where c.relnamespace::regnamespace::text in ${SCHEMAS} and a.attacl is not null`,
  function: `
    select p.oid::regprocedure::text || ' (' || pg_get_function_arguments(p.oid) || ') returns '
           || coalesce(pg_get_function_result(p.oid), '-') || ' kind=' || p.prokind::text || ' language=' || l.lanname
           || ' volatility=' || p.provolatile::text || ' strict=' || p.proisstrict || ' parallel=' || p.proparallel::text
           || ' security_definer=' || p.prosecdef || ' leakproof=' || p.proleakproof
           || ' config=' || coalesce(array_to_string(p.proconfig, ','), '')
      from pg_proc p join pg_language l on l.oid = p.prolang where p.pronamespace::regnamespace::text in ${SCHEMAS}`,
  // Bodies are compared with comments dropped and white space folded (normaliseBody); a difference
  // is printed line by line below the facts.
  "function body": `
    select p.oid::regprocedure::text || E'\\n' || coalesce(pg_get_function_sqlbody(p.oid), p.prosrc)
      from pg_proc p where p.pronamespace::regnamespace::text in ${SCHEMAS}`,
  "function grant": `
    select p.oid::regprocedure::text || ' ' || case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end
           || ' ' || a.privilege_type
      from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f'::"char", p.proowner))) a
     where p.pronamespace::regnamespace::text in ${SCHEMAS}`,
  schema: `
    select n.nspname || ' ' || case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end || ' ' || a.privilege_type
      from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n'::"char", n.nspowner))) a where n.nspname in ${SCHEMAS}`,
  "default privilege": `
    select d.defaclrole::regrole::text || ' ' || case when d.defaclnamespace = 0 then '(all schemas)' else d.defaclnamespace::regnamespace::text end
           || ' ' || d.defaclobjtype::text || ' ' || case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end
           || ' ' || a.privilege_type
      from pg_default_acl d, aclexplode(d.defaclacl) a`,
  comment: `
    select coalesce(
             case d.classoid when 'pg_class'::regclass then d.objoid::regclass::text
                             when 'pg_proc'::regclass then d.objoid::regprocedure::text
                             when 'pg_namespace'::regclass then 'schema ' || d.objoid::regnamespace::text
                             when 'pg_type'::regclass then d.objoid::regtype::text
                             else d.classoid::regclass::text || ' ' || d.objoid end,
             '?') || case when d.objsubid > 0 then ' column ' || coalesce(
               (select a.attname from pg_attribute a where d.classoid = 'pg_class'::regclass and a.attrelid = d.objoid and a.attnum = d.objsubid),
               d.objsubid::text) else '' end || ': ' || d.description
      from pg_description d
     where (d.classoid = 'pg_class'::regclass and (select relnamespace::regnamespace::text from pg_class where oid = d.objoid) in ${SCHEMAS})
        or (d.classoid = 'pg_proc'::regclass and (select pronamespace::regnamespace::text from pg_proc where oid = d.objoid) in ${SCHEMAS})
        or (d.classoid = 'pg_namespace'::regclass and (select nspname from pg_namespace where oid = d.objoid) in ${SCHEMAS})`,
};

/** A body's lines without `--` comments, blank lines and runs of white space: what the server runs. */
function normaliseBody(body: string): string[] {
  return body
    .split("\n")
    .map((line) => line.replace(/--.*$/, "").replace(/\s+/g, " ").trim())
    .filter((line) => line !== "");
}

/** "signature body <hash>", the fact compared, and the normalised lines behind it, for printing a difference. */
const bodies = new Map<string, string[]>();
function bodyFact(row: string): string {
  const [signature, ...rest] = row.split("\n");
  const lines = normaliseBody(rest.join("\n"));
  const fact = `${signature} body ${createHash("md5").update(lines.join(" ")).digest("hex")}`;
  bodies.set(fact, lines);
  return fact;
}

function workdir(files: Map<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "db-diff-"));
  fs.mkdirSync(path.join(dir, "supabase", "migrations"), { recursive: true });
  fs.copyFileSync(path.join(PROJECT_ROOT, "supabase", "config.toml"), path.join(dir, "supabase", "config.toml"));
  for (const [name, sql] of files) fs.writeFileSync(path.join(dir, "supabase", "migrations", name), sql);
  return dir;
}

function migrationsAt(ref: string): Map<string, string> {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  const names = git("ls-tree", "--name-only", `${ref}:supabase/migrations`)
    .split("\n")
    .filter((f) => f.endsWith(".sql"));
  return new Map(names.map((name) => [name, git("show", `${ref}:supabase/migrations/${name}`)]));
}

function migrationsInWorkingTree(): Map<string, string> {
  const dir = path.join(PROJECT_ROOT, "supabase", "migrations");
  const names = fs.readdirSync(dir).filter((f) => f.endsWith(".sql"));
  return new Map(names.map((name) => [name, fs.readFileSync(path.join(dir, name), "utf8")]));
}

async function catalogue(url: string): Promise<Map<string, Set<string>>> {
  return withClient(url, async (client) => {
    const facts = new Map<string, Set<string>>();
    for (const [kind, sql] of Object.entries(CATALOGUE)) {
      const { rows } = await client.query<Record<string, string>>(sql);
      const values = rows.map((row) => String(Object.values(row)[0]));
      facts.set(kind, new Set(kind === "function body" ? values.map(bodyFact) : values));
    }
    return facts;
  });
}

/** For a function whose body differs on both sides: the normalised lines only one side has. */
function printBodyDifferences(removed: string[], added: string[]) {
  const signature = (fact: string) => fact.slice(0, fact.lastIndexOf(" body "));
  for (const before of removed) {
    const after = added.find((fact) => signature(fact) === signature(before));
    if (!after) continue;
    const [a, b] = [bodies.get(before)!, bodies.get(after)!];
    console.log(`  ${signature(before)}:`);
    for (const line of a.filter((l) => !b.includes(l))) console.log(`      - ${line}`);
    for (const line of b.filter((l) => !a.includes(l))) console.log(`      + ${line}`);
  }
}

async function main() {
  const ref = process.argv[2] ?? "main";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "db-diff-pg-"));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  const dirs: string[] = [];
  try {
    const sides: [string, Map<string, string>][] = [
      [ref, migrationsAt(ref)],
      ["working tree", migrationsInWorkingTree()],
    ];
    const facts: Map<string, Set<string>>[] = [];
    for (const [i, [, files]] of sides.entries()) {
      await withClient(server.adminUrl, (admin) => admin.query(`create database db_diff_${i}`));
      const dir = workdir(files);
      dirs.push(dir);
      await supabaseCli(["migration", "up", "--include-all", "--workdir", dir], server.urlFor(`db_diff_${i}`));
      facts.push(await catalogue(server.urlFor(`db_diff_${i}`)));
    }
    let differences = 0;
    for (const kind of Object.keys(CATALOGUE)) {
      const [before, after] = [facts[0].get(kind)!, facts[1].get(kind)!];
      const removed = [...before].filter((fact) => !after.has(fact)).sort();
      const added = [...after].filter((fact) => !before.has(fact)).sort();
      if (removed.length + added.length === 0) {
        console.log(`${kind}: identical (${before.size})`);
        continue;
      }
      differences += removed.length + added.length;
      console.log(`${kind}: ${removed.length} only at ${ref}, ${added.length} only in the working tree`);
      for (const fact of removed) console.log(`  - ${fact}`);
      for (const fact of added) console.log(`  + ${fact}`);
      if (kind === "function body") printBodyDifferences(removed, added);
    }
    console.log(differences === 0 ? "No differences." : `${differences} differing facts.`);
    process.exitCode = differences === 0 ? 0 : 1;
  } finally {
    await server.stop();
    for (const dir of [...dirs, dataDir]) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
