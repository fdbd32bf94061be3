/** Writes bench/results/latest.json (everything measured) and latest.md (the tables a person reads). */
import type { CountersResult } from "./counters";
import fs from "node:fs";
import path from "node:path";
import { options, PROJECT_ROOT, ratio } from "./common";
import type { HttpRow } from "./http";
import type { LimitsResult } from "./limits";
import type { LiveResult } from "./live";
import type { ReadRow, TrendingResult } from "./read";
import type { StartupResult } from "./startup";
import { HOT_SPREAD, type HotRow, type MixedRow, type RateRow } from "./writes";
import { renderRanking, type RankingResult } from "./ranking";

/** A server the read measurement could not run on (the standard build not installed). */
export type ReadServerMissing = { server: string; available: false; reason: string };

export interface ReadServerResult {
  server: string;
  version: string;
  jit: boolean;
  rows: ReadRow[];
  /** Month reads with the functions' jit = off removed (where the server has JIT). */
  jitOn?: ReadRow[];
}

export interface Results {
  machine: {
    cores: number;
    cpu: string;
    node: string;
    postgres: string;
    date: string;
    quick: boolean;
    rounds: number;
    secondsPerRun: number;
  };
  /** How long the run took (seconds): in total, and each step (a measurement, or the data or app it needs). */
  timing?: { totalSeconds: number; seconds: Record<string, number> };
  read?: { servers: (ReadServerResult | ReadServerMissing)[]; trending?: TrendingResult };
  ingest?: RateRow[];
  /** ingest again on the standard build with JIT (full runs, where installed). */
  ingestStandard?: { server: string; rows: RateRow[] };
  hot?: HotRow[];
  mixed?: MixedRow[];
  http?: HttpRow[] | { available: false; reason: string };
  live?: LiveResult;
  limits?: LimitsResult;
  startup?: StartupResult;
  ranking?: RankingResult;
  counters?: CountersResult;
  /** Remarks about a run that the figures alone do not say (added by hand, rendered under the machine line). */
  notes?: string[];
}

const f0 = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? "–" : Math.round(n).toLocaleString("en");
const ms = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? "–" : n < 10 ? n.toFixed(2) : n.toFixed(0);
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : "–");
const errs = (e: Record<string, number>) =>
  Object.keys(e).length
    ? Object.entries(e)
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ")
    : "none";

const duration = (seconds: number) =>
  seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

/** Say it plainly when the project is behind the seed design. */
const loses = (projectVsSeed: number, higherIsBetter = true) =>
  Number.isFinite(projectVsSeed) && (higherIsBetter ? projectVsSeed < 1 : projectVsSeed > 1)
    ? `**loses to seed (${x(projectVsSeed)})**`
    : "";

/** A missed target when `value` is above `limit`: "p99 1.75 > 1 ms". */
const above = (what: string, value: number | undefined, limit: number, unit: string) =>
  value !== undefined && Number.isFinite(value) && value > limit ? `${what} ${ms(value)} > ${limit} ${unit}` : "";
/** A missed target when the ratio `value` is below `limit`: "0.49x < 0.5x /api/health". */
const below = (value: number, limit: number, of: string) =>
  Number.isFinite(value) && value < limit ? `${x(value)} < ${limit}x ${of}` : "";
/** A missed target when there are errors outside `allowed`: "errors other than 23505: 40P01: 3". */
const otherErrors = (errors: Record<string, number>, allowed: string[]) => {
  const other = Object.entries(errors).filter(([code]) => !allowed.includes(code));
  return other.length ? `errors other than ${allowed.join(" and ")}: ${errs(Object.fromEntries(other))}` : "";
};
/** The "where we lose or miss" cell: losing to the seed design, then every target the figures miss. */
const verdict = (lose: string, ...misses: string[]) => {
  const missed = misses.filter(Boolean);
  return [lose, missed.length ? `**misses target: ${missed.join("; ")}**` : ""].filter(Boolean).join("; ");
};

/** Errors the mixed workload cannot avoid: repeated views, and (with deletes) views of a product just deleted. */
const mixedAllowed = (withDeletes: boolean) => (withDeletes ? ["23505", "23503"] : ["23505"]);
const MIXED_TARGET = ">= seed, only 23505 (and 23503 with deletes)";

/** The hot rows' rate of one ingest variant (`label`) with the views going to `shape`. */
const hotRate = (r: Results, label: string, shape: string) =>
  r.hot?.find((row) => row.label === label && row.shape === shape)?.rate ?? NaN;
const VIEW_PATHS = ["record_product_view", "insert"] as const;

/** The columns the ingest and hot tables share, and their cells for one path (`rate` of an ingest variant). */
const VIEW_HEAD = [
  "path",
  "project",
  "seed design",
  "seed + indexes",
  "plain insert",
  "project / seed",
  "project / seed + indexes",
  "project / plain",
];
function viewCells(rate: (label: string) => number, via: (typeof VIEW_PATHS)[number]) {
  const p = rate(`project, ${via}`);
  const s = rate(`seed, ${via}`);
  const si = rate(`seed + indexes, ${via}`);
  const plain = rate("plain, insert");
  const vsSeed = ratio(p, s);
  const vsPlain = ratio(p, plain);
  const path = via === "insert" ? "insert" : "record_product_view (as the server calls it)";
  return {
    p,
    s,
    vsSeed,
    vsPlain,
    cells: [path, f0(p), f0(s), f0(si), f0(plain), x(vsSeed), x(ratio(p, si)), x(vsPlain)],
  };
}

/** The ingest table of one server's runs: each connection count, each path. */
function ingestTable(rows: RateRow[]): string[] {
  const rate = (label: string, c: number) =>
    rows.find((row) => row.label === label && row.connections === c)?.rate ?? NaN;
  const conns = [...new Set(rows.map((row) => row.connections))];
  return [
    table(
      ["connections", ...VIEW_HEAD, "where we lose or miss"],
      conns.flatMap((c) =>
        VIEW_PATHS.map((via) => {
          const v = viewCells((label) => rate(label, c), via);
          return [String(c), ...v.cells, verdict(loses(v.vsSeed), below(v.vsPlain, 0.5, "plain"))];
        }),
      ),
    ),
    "",
  ];
}

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** The trending section: what the window holds, p50/p99, and the plan of the function's query. */
function renderTrending(t: TrendingResult): string[] {
  return [
    `## trending: get_trending_products(7, 10) at ${f0(t.views)} views (${t.server})`,
    "",
    `\`${t.call}\`, ${t.sellers.toLocaleString("en")} sellers: the last 7 days hold ${f0(t.windowViews)} of the ${f0(t.views)} views, ` +
      `of ${f0(t.windowProducts)} products (${f0(t.windowActiveProducts)} of them active). p50 / p99 from Node: ${ms(t.p50)} / ${ms(t.p99)} ms.`,
    "",
    t.plan
      ? "The plan of the query inside the function, as auto_explain logged it (EXPLAIN ANALYZE, BUFFERS):"
      : `No plan: ${t.planNote ?? "none logged"}.`,
    "",
    ...(t.plan ? ["```", t.plan.trimEnd(), "```", ""] : []),
  ];
}

/** One line per measurement with its headline figures and ratios: the top of latest.md and docs/performance.md. */
function renderSummary(r: Results): string {
  const rows: string[][] = [];
  for (const s of r.read?.servers ?? []) {
    if (!("rows" in s)) {
      rows.push([`read (${s.server})`, s.reason, "", "", "", "p99 <= 1 ms", ""]);
      continue;
    }
    const size = Math.max(...s.rows.map((row) => row.size));
    for (const period of ["month", "all time"]) {
      const worst = (design: ReadRow["design"]) =>
        Math.max(
          ...s.rows
            .filter((row) => row.size === size && row.design === design && row.query.endsWith(period))
            .map((row) => row.p99),
        );
      const p = worst("project");
      const sd = worst("seed");
      const viaRpc = worst("project rpc()");
      rows.push([
        `read p99 ms, ${period}, ${size.toLocaleString("en")} sellers (${s.server.split(" (")[0]}, worst of sales/views)`,
        ms(p),
        ms(sd),
        `recompute ${ms(worst("recompute"))}`,
        x(ratio(p, sd)),
        "p99 <= 1 ms, <= seed",
        verdict(loses(ratio(p, sd), false), above("p99", p, 1, "ms"), above("rpc() p99", viaRpc, 1, "ms")),
      ]);
    }
  }
  const t = r.read?.trending;
  if (t)
    rows.push([
      `trending p50 / p99 ms, get_trending_products(7, 10), ${f0(t.views)} views (${t.server})`,
      `${ms(t.p50)} / ${ms(t.p99)}`,
      "",
      "",
      "",
      "",
      "",
    ]);
  const ingestSummary = (ingestRows: RateRow[] | undefined, where: string) => {
    const ingest = (label: string, c: number) =>
      ingestRows?.find((row) => row.label === label && row.connections === c)?.rate ?? NaN;
    for (const c of [...new Set((ingestRows ?? []).map((row) => row.connections))].filter((c) => c >= 8)) {
      const p = ingest("project, record_product_view", c);
      const s = ingest("seed, record_product_view", c);
      const plain = ingest("plain, insert", c);
      rows.push([
        `ingest views/s, ${c} conn, record_product_view${where}`,
        f0(p),
        f0(s),
        f0(plain),
        `${x(ratio(p, s))} seed, ${x(ratio(p, plain))} plain`,
        ">= seed, >= 0.5x plain",
        verdict(loses(ratio(p, s)), below(ratio(p, plain), 0.5, "plain")),
      ]);
    }
  };
  ingestSummary(r.ingest, "");
  ingestSummary(r.ingestStandard?.rows, " (standard build)");
  if (r.hot) {
    for (const shape of ["one seller", "one product"]) {
      for (const via of VIEW_PATHS) {
        const p = hotRate(r, `project, ${via}`, shape);
        const s = hotRate(r, `seed, ${via}`, shape);
        const pSpread = ratio(p, hotRate(r, `project, ${via}`, HOT_SPREAD));
        rows.push([
          `hot views/s, ${shape}, 8 conn, ${via} (vs own spread rate)`,
          `${f0(p)} (${x(pSpread)})`,
          `${f0(s)} (${x(ratio(s, hotRate(r, `seed, ${via}`, HOT_SPREAD)))})`,
          f0(hotRate(r, "plain, insert", shape)),
          x(ratio(p, s)),
          ">= 0.9x own spread",
          verdict(loses(ratio(p, s)), below(pSpread, 0.9, "own spread")),
        ]);
      }
    }
  }
  for (const d of [true, false]) {
    const at = (design: string) => r.mixed?.find((row) => row.design === design && row.withDeletes === d);
    if (!at("project")) continue;
    const p = at("project")!.rate;
    const s = at("seed")?.rate ?? NaN;
    rows.push([
      `mixed ops/s, ${d ? "with" : "without"} deletes (project errors: ${errs(at("project")!.errors)})`,
      f0(p),
      f0(s),
      f0(at("plain")?.rate),
      x(ratio(p, s)),
      MIXED_TARGET,
      verdict(loses(ratio(p, s)), otherErrors(at("project")!.errors, mixedAllowed(d))),
    ]);
  }
  if (r.http) {
    if (!Array.isArray(r.http)) rows.push(["http", r.http.reason, "", "", "", "", ""]);
    else {
      const lb = r.http.find((h) => h.route.startsWith("/api/leaderboard"));
      const health = r.http.find((h) => h.route === "/api/health");
      const vsHealth = ratio(lb?.requestsPerSecond ?? NaN, health?.requestsPerSecond ?? NaN);
      rows.push([
        `http req/s, GET /api/leaderboard (p99 ${ms(lb?.p99Ms)} ms)`,
        f0(lb?.requestsPerSecond),
        "",
        `/api/health ${f0(health?.requestsPerSecond)}`,
        `${x(vsHealth)} of /api/health`,
        ">= 0.5x /api/health",
        verdict("", below(vsHealth, 0.5, "/api/health")),
      ]);
    }
  }
  if (r.live) {
    const l = r.live;
    const watcher = l.available ? ratio(l.ingestWithWatcher, l.ingestWithoutWatcher) : NaN;
    if (!l.available) rows.push(["live", l.reason, "", "", "", "", ""]);
    else {
      const elsewhereTarget = l.pollMs + 100;
      rows.push(
        [
          `live: sale through this server, request to client p50 / p99 ms, ${l.connected} clients`,
          `${ms(l.apiSaleLatencyP50Ms)} / ${ms(l.apiSaleLatencyP99Ms)}`,
          "",
          "",
          "",
          "p99 <= 100 ms",
          verdict("", above("p99", l.apiSaleLatencyP99Ms, 100, "ms")),
        ],
        [
          `live: sale committed elsewhere, commit to client p50 / p99 ms (poll ${l.pollMs} ms)`,
          `${ms(l.saleLatencyP50Ms)} / ${ms(l.saleLatencyP99Ms)}`,
          "",
          "",
          `watcher costs ingestion ${x(watcher)}`,
          `p99 <= poll + 100 = ${elsewhereTarget} ms, >= 0.95x`,
          verdict(
            "",
            above("p99", l.saleLatencyP99Ms, elsewhereTarget, "ms"),
            below(watcher, 0.95, "without the watcher"),
          ),
        ],
      );
    }
  }
  if (r.startup)
    rows.push([
      "startup s, cold (with migrations + seed) / warm",
      `${(r.startup.coldMs / 1000).toFixed(1)} / ${(r.startup.warmMs / 1000).toFixed(1)}`,
      "",
      "",
      "",
      "",
      "",
    ]);
  return table(
    ["measurement", "project", "seed design", "plain / reference", "ratio", "target", "where we lose or miss"],
    rows,
  );
}

/** "Run time: 4 min 31 s in total (read 2 min 30 s, ...)": the run's total and each step's duration. */
function runTime(timing: NonNullable<Results["timing"]>): string {
  const steps = Object.entries(timing.seconds).map(([step, s]) => `${step} ${duration(s)}`);
  return `Run time: ${duration(timing.totalSeconds)} in total${steps.length ? ` (${steps.join(", ")})` : ""}.`;
}

export function renderMarkdown(r: Results): string {
  const out: string[] = [];
  out.push("# Benchmark: the leaderboard against the seed plan's design and the physical limit", "");
  out.push(
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, ${r.machine.postgres}. ` +
      `Run ${r.machine.date}${r.machine.quick ? " in QUICK mode (tiny sizes: not figures to quote)" : ""}; ` +
      `each figure is the median of ${r.machine.rounds} round(s), designs alternating within each round; write runs last ${r.machine.secondsPerRun} s.`,
    "",
    ...(r.timing ? [runTime(r.timing), ""] : []),
    ...(r.notes ?? []).flatMap((n) => [`Note: ${n}`, ""]),
    "## Summary",
    "",
    renderSummary(r),
    "",
    "Designs: **project** = supabase/migrations; **seed** = the seed plan's cache (one row per seller and month, a row trigger upserting per sale and per view, `view_count` incremented in the same transaction); **seed + indexes** (ingest and hot) = the same with the rank indexes its reads lack; **plain** = the same tables with no cache triggers (the physical limit). Reproduce with `npm run bench` (options in scripts/bench/common.ts).",
    "",
  );

  if (r.read) {
    out.push(
      "## read: top 10 (ms, p50 / p99 from Node, round trip included)",
      "",
      "Each query runs for half a second per round; a query with fewer than 10 runs in a round (the slow references) is summarised over all its runs instead of round by round.",
      "",
    );
    for (const s of r.read.servers) {
      if (!("rows" in s)) {
        out.push(`**${s.server}**: ${s.reason}`, "");
        continue;
      }
      out.push(`**${s.server}**: ${s.version}${s.jit ? " (JIT on)" : " (no JIT)"}`, "");
      const keys = [...new Set(s.rows.map((row) => `${row.size}|${row.query}`))];
      const get = (k: string, d: ReadRow["design"]) =>
        s.rows.find((row) => `${row.size}|${row.query}` === k && row.design === d);
      out.push(
        table(
          [
            "sellers",
            "query",
            "project select",
            "project rpc()",
            "seed design",
            "recompute from source",
            "project / seed (p99)",
            "where we lose or miss",
          ],
          keys.map((k) => {
            const [size, query] = k.split("|");
            const p = get(k, "project");
            const rp = get(k, "project rpc()");
            const sd = get(k, "seed");
            const rc = get(k, "recompute");
            const cell = (v?: ReadRow) => (v ? `${ms(v.p50)} / ${ms(v.p99)}` : "–");
            const rel = ratio(p?.p99 ?? NaN, sd?.p99 ?? NaN);
            // The 1 ms target is for the largest size (100k sellers by default).
            const largest = Number(size) === Math.max(...s.rows.map((row) => row.size));
            return [
              Number(size).toLocaleString("en"),
              query,
              cell(p),
              cell(rp),
              cell(sd),
              cell(rc),
              x(rel),
              verdict(
                loses(rel, false),
                largest ? above("p99", p?.p99, 1, "ms") : "",
                largest ? above("rpc() p99", rp?.p99, 1, "ms") : "",
              ),
            ];
          }),
        ),
        "",
      );
      if (s.jitOn?.length) {
        out.push(
          `Without \`jit = off\` on the read functions (as first migrated, before \`set jit = off\` in 20260103000200_leaderboard_read_api.sql), same server: ` +
            s.jitOn.map((j) => `${j.query} ${ms(j.p50)} / ${ms(j.p99)} ms`).join("; ") +
            ".",
          "",
        );
      }
    }
    if (r.read.trending) out.push(...renderTrending(r.read.trending));
  }

  if (r.ingest) {
    out.push(
      "## ingest: counted views per second, spread over 1,000 sellers",
      "",
      "Target: at least the seed design; >= 0.5x plain.",
      "",
      ...ingestTable(r.ingest),
    );
    if (r.ingestStandard)
      out.push(`The same on the ${r.ingestStandard.server}:`, "", ...ingestTable(r.ingestStandard.rows));
    const errors = r.ingest.filter((row) => Object.keys(row.errors).length);
    if (errors.length)
      out.push(
        `Errors: ${errors.map((row) => `${row.label}@${row.connections}: ${errs(row.errors)}`).join("; ")}.`,
        "",
      );
  }

  if (r.hot) {
    out.push(
      "## hot: views per second at 8 connections, through record_product_view and as plain inserts",
      "",
      "Target: one hot seller keeps >= 0.9x its spread rate.",
      "",
    );
    const shapes = [...new Set(r.hot.map((row) => row.shape))];
    out.push(
      table(
        ["views go to", ...VIEW_HEAD, "project vs its spread", "seed vs its spread", "where we lose or miss"],
        shapes.flatMap((shape) =>
          VIEW_PATHS.map((via) => {
            const v = viewCells((label) => hotRate(r, label, shape), via);
            const pSpread = ratio(v.p, hotRate(r, `project, ${via}`, HOT_SPREAD));
            return [
              shape,
              ...v.cells,
              x(pSpread),
              x(ratio(v.s, hotRate(r, `seed, ${via}`, HOT_SPREAD))),
              verdict(loses(v.vsSeed), shape === HOT_SPREAD ? "" : below(pSpread, 0.9, "own spread")),
            ];
          }),
        ),
      ),
      "",
    );
    const errors = r.hot.filter((row) => Object.keys(row.errors).length);
    if (errors.length)
      out.push(`Errors: ${errors.map((row) => `${row.label}, ${row.shape}: ${errs(row.errors)}`).join("; ")}.`, "");
  }

  if (r.counters) {
    const c = r.counters;
    const first = c.bulk[0];
    out.push(
      "## counters: bulk imports, a product's figure at 1,000,000 views, views of a deleted product",
      "",
      "One `insert … select` of views of one product in its own transaction (target: a row of a 100,000-row statement costs at most 1.5x a row of a 1,000-row one; 200,000 rows within 60 s):",
      "",
      table(
        ["rows", "seconds", "ms per row", "vs a row of the first"],
        c.bulk.map((b) => [
          f0(b.rows),
          b.seconds.toFixed(2),
          b.msPerRow.toFixed(4),
          x(ratio(b.msPerRow, first.msPerRow)),
        ]),
      ),
      "",
      `The reads behind the pages, with one listed product at ${f0(c.figures[0]?.views)} views (a tenth of them in the last 7 days), through rpc() (targets: p99 <= 2 ms; trending p99 <= 10 ms):`,
      "",
      table(
        ["call", "p50 ms", "p99 ms"],
        c.figures.map((f) => [f.call, ms(f.p50), ms(f.p99)]),
      ),
      "",
      `A view of a product deleted a moment before (refused, 23503): ${ms(c.deleted.deletedMs)} ms at the median, against ${ms(c.deleted.normalMs)} ms for a counted view (${x(ratio(c.deleted.deletedMs, c.deleted.normalMs))}; target <= 3x). Errors: ${errs(c.deleted.errors) || "none"}.`,
      "",
    );
  }

  if (r.mixed) {
    out.push(
      "## mixed: operations per second, 8 connections, 2 sellers, 16 products",
      "",
      "Sells, unsells, drafts, imports of sales dated in past months, views across three months (from 64 viewers, so some repeat: 23505), and 3% deletes (views of a product deleted a moment before fail with 23503, in every design: the foreign key refuses them). Target: >= the seed design, no errors but duplicate views (23505) and, with deletes, views of deleted products (23503).",
      "",
    );
    const at = (design: string, d: boolean) => r.mixed!.find((row) => row.design === design && row.withDeletes === d);
    out.push(
      table(
        [
          "workload",
          "project",
          "seed design",
          "plain",
          "project / seed",
          "project / plain",
          "errors (project; seed; plain)",
          "drift rows",
          "where we lose or miss",
        ],
        [true, false].map((d) => {
          const vsSeed = ratio(at("project", d)?.rate ?? NaN, at("seed", d)?.rate ?? NaN);
          return [
            d ? "with deletes" : "without deletes",
            f0(at("project", d)?.rate),
            f0(at("seed", d)?.rate),
            f0(at("plain", d)?.rate),
            x(vsSeed),
            x(ratio(at("project", d)?.rate ?? NaN, at("plain", d)?.rate ?? NaN)),
            ["project", "seed", "plain"].map((s) => errs(at(s, d)?.errors ?? {})).join("; "),
            String(at("project", d)?.drift ?? "–"),
            verdict(
              loses(vsSeed),
              otherErrors(at("project", d)?.errors ?? {}, mixedAllowed(d)),
              at("project", d)?.drift ? `drift: ${at("project", d)!.drift} rows` : "",
            ),
          ];
        }),
      ),
      "",
    );
  }

  if (r.http) {
    out.push(
      "## http: production build, autocannon, 50 connections",
      "",
      "Target: the leaderboard route at >= 0.5x the trivial route.",
      "",
    );
    if (!Array.isArray(r.http)) out.push(r.http.reason, "");
    else {
      const base = r.http.find((h) => h.route === "/api/health");
      out.push(
        table(
          ["route", "requests/s", "p99 ms", "vs /api/health", "non-2xx", "errors"],
          r.http.map((h) => [
            `GET ${h.route}`,
            f0(h.requestsPerSecond),
            ms(h.p99Ms),
            x(ratio(h.requestsPerSecond, base?.requestsPerSecond ?? NaN)),
            String(h.non2xx),
            String(h.errors),
          ]),
        ),
        "",
      );
    }
  }

  if (r.live) {
    out.push(
      "## live: GET /api/leaderboard/stream",
      "",
      "Targets with 200 clients: a sale through this server reaches every client within 100 ms at p99 (the route wakes the watcher; timed from the request's start, so the request itself is included); a sale committed elsewhere (SQL) within the poll interval + 100 ms; about one event a second per client in bursts; ingestion with the watcher >= 0.95x without.",
      "",
    );
    const l = r.live;
    if (!l.available) out.push(l.reason, "");
    else
      out.push(
        table(
          ["figure", "value"],
          [
            ["clients connected", `${l.connected} / ${l.clients}`],
            [
              "sale through this server (PUT /api/products/:id), request to client p50 / p99",
              `${ms(l.apiSaleLatencyP50Ms)} / ${ms(l.apiSaleLatencyP99Ms)} ms (missed: ${l.apiMissedSales})`,
            ],
            [
              `sale committed elsewhere (SQL), commit to client p50 / p99 (poll every ${l.pollMs} ms)`,
              `${ms(l.saleLatencyP50Ms)} / ${ms(l.saleLatencyP99Ms)} ms (missed: ${l.missedSales})`,
            ],
            [
              "events per client during 1,000 views",
              `${l.eventsPerClientDuringBurst} in ${l.burstSeconds.toFixed(1)} s`,
            ],
            [
              "views/s with the watcher / without",
              `${f0(l.ingestWithWatcher)} / ${f0(l.ingestWithoutWatcher)} (${x(ratio(l.ingestWithWatcher, l.ingestWithoutWatcher))})`,
            ],
          ],
        ),
        "",
      );
  }

  if (r.limits) {
    const l = r.limits;
    out.push(
      "## limits: the view path and open streams",
      "",
      "POST /api/products/:id/views at 50 connections, each request from one of 10,000 addresses (so the full path runs: the rate limit, the budgets, the view), against GET /api/health in the same rounds; the server's memory with 1,000 open streams. Compare the views/health ratio with a run of the same measurement on the previous version (`npx tsx --conditions=react-server scripts/bench/limits.ts` in its checkout).",
      "",
      table(
        ["figure", "value"],
        [
          ["view requests/s (non-2xx)", `${f0(l.viewsPerSecond)} (${l.viewsNon2xx})`],
          [
            "GET /api/health requests/s",
            `${f0(l.healthPerSecond)} (views ${x(ratio(l.viewsPerSecond, l.healthPerSecond))})`,
          ],
          ["streams open", `${l.streamsOpened} / ${l.streams}`],
          [
            "server memory before / with the streams",
            `${f0(l.rssBeforeMb)} / ${f0(l.rssWithStreamsMb)} MB (${f0(l.kbPerStream)} KB a stream)`,
          ],
        ],
      ),
      "",
    );
  }

  if (r.startup) {
    out.push("## startup: embedded database", "");
    out.push(
      table(
        ["start", "median", "rounds"],
        [
          [
            "cold: new data folder, migrations, seed",
            `${(r.startup.coldMs / 1000).toFixed(1)} s`,
            r.startup.cold.map((v) => (v / 1000).toFixed(1)).join(", "),
          ],
          [
            "warm: existing data folder, migration check",
            `${(r.startup.warmMs / 1000).toFixed(1)} s`,
            r.startup.warm.map((v) => (v / 1000).toFixed(1)).join(", "),
          ],
        ],
      ),
      "",
    );
  }
  if (r.ranking) out.push(...renderRanking(r.ranking, table));
  return out.join("\n");
}

export function writeResults(results: Results): { md: string; json: string } {
  fs.mkdirSync(options.out, { recursive: true });
  const md = path.join(options.out, "latest.md");
  const json = path.join(options.out, "latest.json");
  fs.writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(md, `${renderMarkdown(results)}\n`);
  return { md, json };
}

/** The page that speaks for the project's performance: a full run rewrites its table. */
export const PERFORMANCE_DOC = path.join(PROJECT_ROOT, "docs", "performance.md");

/** Puts the summary table into docs/performance.md (between its markers). */
export function updatePerformanceDoc(results: Results, file = PERFORMANCE_DOC): boolean {
  if (!fs.existsSync(file)) return false;
  const text = fs.readFileSync(file, "utf8");
  const start = "<!-- performance-table:start -->";
  const end = "<!-- performance-table:end -->";
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return false;
  const m = results.machine;
  const took = results.timing ? `, the run took ${duration(results.timing.totalSeconds)}` : "";
  const body = `${start}\nMeasured ${m.date.slice(0, 10)} on ${m.cores} cores, ${m.postgres}${m.quick ? " (QUICK mode)" : ""}${took}; ratios are project / seed design unless said.\n\n${(results.notes ?? []).map((n) => `Note: ${n}\n\n`).join("")}${renderSummary(results)}\n`;
  fs.writeFileSync(file, text.slice(0, from) + body + text.slice(to));
  return true;
}
