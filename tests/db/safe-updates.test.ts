/**
 * pg-safeupdate (preloaded by Supabase for REST API requests) refuses a DELETE or UPDATE without a WHERE
 * clause, inside functions and triggers too. The extension is not packaged for Debian, so this checks
 * the SQL: every function body in `public` and `private` (pg_proc.prosrc) is scanned for DELETE/UPDATE
 * statements, and each must have a WHERE at its own level.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

/** Comments and quoted strings/identifiers blanked out (same length), so keywords inside them are ignored. */
function blankCommentsAndStrings(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"/g, (m) => " ".repeat(m.length));
}

/** The DELETE/UPDATE statements in a body that have no WHERE clause at their own nesting level. */
export function statementsWithoutWhere(body: string): string[] {
  const sql = blankCommentsAndStrings(body).toLowerCase();
  const found: string[] = [];
  // `delete from …`, and `update <table> [as alias] set …` (not `for update`, `for no key update`,
  // `on conflict … do update set`, which are not UPDATE statements).
  const starts = /\bdelete\s+from\b|\bupdate\s+(?:only\s+)?[a-z_][\w.]*(?:\s+(?:as\s+)?[a-z_]\w*)?\s+set\b/g;
  for (let m = starts.exec(sql); m; m = starts.exec(sql)) {
    const before = sql.slice(0, m.index).trimEnd();
    if (/\bdo$/.test(before) || /\bfor(\s+no\s+key)?$/.test(before)) continue;
    let depth = 0;
    let hasWhere = false;
    let end = sql.length;
    for (let i = m.index; i < sql.length; i++) {
      const c = sql[i];
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) {
          end = i; // the end of a CTE or subquery holding the statement
          break;
        }
        depth--;
      } else if (c === ";" && depth === 0) {
        end = i;
        break;
      } else if (depth === 0 && sql.startsWith("where", i) && !/\w/.test(sql[i - 1]) && !/\w/.test(sql[i + 5] ?? " ")) {
        hasWhere = true;
      }
    }
    if (!hasWhere) found.push(body.slice(m.index, end).replace(/\s+/g, " ").trim());
  }
  return found;
}

describe("the WHERE detector", () => {
  it("finds DELETE/UPDATE without WHERE, including a CTE's `delete … returning`", () => {
    expect(statementsWithoutWhere("with d as (delete from private.q returning *) select 1")).toHaveLength(1);
    expect(statementsWithoutWhere("update public.t set a = 1;")).toHaveLength(1);
    expect(statementsWithoutWhere("update public.t t set a = (select b from u where u.id = 1);")).toHaveLength(1);
    expect(statementsWithoutWhere("delete from public.t -- where x\n;")).toHaveLength(1);
  });
  it("accepts statements with WHERE and ignores locking clauses and upserts", () => {
    expect(statementsWithoutWhere("with d as (delete from q where true returning *) select 1")).toEqual([]);
    expect(statementsWithoutWhere("update public.t set a = 1 where id = 2 returning a;")).toEqual([]);
    expect(
      statementsWithoutWhere("select 1 from t for update; select 1 from t for no key update skip locked;"),
    ).toEqual([]);
    expect(statementsWithoutWhere("insert into t values (1) on conflict (id) do update set a = excluded.a;")).toEqual(
      [],
    );
  });
});

describe("function bodies in public and private", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  it("give every DELETE and UPDATE a WHERE clause", async () => {
    const { rows } = await db.pool.query<{ name: string; body: string }>(
      `select p.oid::regprocedure::text as name,
              case when p.prosqlbody is not null then pg_get_functiondef(p.oid) else p.prosrc end as body
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'private') and p.prokind in ('f', 'p')`,
    );
    expect(rows.length).toBeGreaterThan(10);
    const offenders = rows.flatMap((r) => statementsWithoutWhere(r.body).map((s) => `${r.name}: ${s}`));
    expect(offenders).toEqual([]);
  });
});
