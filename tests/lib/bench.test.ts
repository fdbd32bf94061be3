/**
 * The bench runs and writes both result files (it never asserts a time: speed is what it reports).
 * Tiny runs of the read (embedded server only), ingest, hot and mixed workloads against the test server, plus the
 * report's "where we lose or miss" column.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { PERFORMANCE_DOC, renderMarkdown, updatePerformanceDoc, type Results } from "../../scripts/bench/report";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..", "..");

describe("npm run bench", () => {
  it(
    "runs quick read, ingest, hot and mixed workloads on all the designs and writes latest.md and latest.json",
    { timeout: 180_000 },
    async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
      try {
        // As `npm run bench` runs it: under the react-server condition, since it loads server-only modules.
        const bench = [
          path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
          "--conditions=react-server",
          "scripts/bench/run.ts",
        ];
        await run(process.execPath, bench, {
          cwd: ROOT,
          env: {
            ...process.env,
            BENCH_QUICK: "1",
            BENCH_ONLY: "read,ingest,hot,mixed",
            BENCH_SECONDS: "0.3",
            BENCH_SELLERS: "200",
            BENCH_VIEWS: "5000",
            // No standard build: the read runs on the test server alone.
            BENCH_PG_BIN: path.join(out, "no-standard-build"),
            BENCH_DATABASE_URL: inject("adminDatabaseUrl"),
            BENCH_OUT: out,
          },
        });
        const json = JSON.parse(fs.readFileSync(path.join(out, "latest.json"), "utf8")) as Results;
        expect(Object.keys(json).sort()).toEqual(["hot", "ingest", "machine", "mixed", "read", "timing"]);
        // How long the run and each step took (never asserted: only that they are there).
        expect(Object.keys(json.timing!.seconds).sort()).toEqual(["hot", "ingest", "mixed", "read", "write data"]);
        expect(json.timing!.totalSeconds).toBeGreaterThan(0);
        // get_trending_products over the source views, with the plan of its inner query.
        expect(json.read!.trending).toMatchObject({ views: 5000, sellers: 200 });
        expect(json.read!.trending!.windowViews).toBeGreaterThan(0);
        expect(json.read!.trending!.plan).toContain("product_view_days");
        // hot: every ingest variant on each shape.
        expect(json.hot!.map((r) => `${r.label}@${r.shape}`).sort()).toEqual(
          json
            .ingest!.filter((r) => r.connections === 1)
            .flatMap((r) => ["one product", "one seller", "spread over 1,000 sellers"].map((s) => `${r.label}@${s}`))
            .sort(),
        );
        expect(json.hot!.filter((r) => Object.keys(r.errors).length > 0 || !(r.rate > 0))).toEqual([]);
        // Every ingest variant counts views for real: fresh sessions, so no failure of any kind (a
        // permission error of one design's record_product_view once passed for a fast rate).
        expect(json.ingest!.map((r) => `${r.label}@${r.connections}`).sort()).toEqual(
          [
            "plain, insert",
            "project, insert",
            "project, record_product_view",
            "seed, insert",
            "seed, record_product_view",
            "seed + indexes, insert",
            "seed + indexes, record_product_view",
          ]
            .flatMap((label) => [`${label}@1`, `${label}@8`])
            .sort(),
        );
        expect(json.ingest!.filter((r) => Object.keys(r.errors).length > 0 || !(r.rate > 0))).toEqual([]);
        expect(json.machine.cores).toBe(os.cpus().length);
        expect(json.mixed!.map((r) => `${r.design} ${r.withDeletes}`).sort()).toEqual([
          "plain false",
          "plain true",
          "project false",
          "project true",
          "seed false",
          "seed true",
        ]);
        expect(json.mixed!.every((r) => r.rate > 0)).toBe(true);
        // Every design runs the same workload for real: the only failures are the workload's own
        // (a view of a product deleted a moment before, a repeated view, the seed design's deadlocks).
        const unexpected = json.mixed!.flatMap((r) =>
          Object.keys(r.errors)
            .filter((code) => !["23503", "23505", "40P01"].includes(code))
            .map((code) => `${r.design}: ${code}`),
        );
        expect(unexpected).toEqual([]);
        // After sells, unsells, drafts, imports, deletes and views from 8 connections, the cache is exact.
        expect(json.mixed!.filter((r) => r.design === "project").map((r) => r.drift)).toEqual([0, 0]);
        const md = fs.readFileSync(path.join(out, "latest.md"), "utf8");
        expect(md).toContain(`${os.cpus().length} cores`);
        expect(md).toContain("## mixed");
        expect(md).toContain("## trending");
        expect(md).toContain("Run time: ");
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    },
  );

  it("says where the project loses to the seed design and where it misses a target", () => {
    const machine = {
      cores: 2,
      cpu: "cpu",
      node: "v20",
      postgres: "PostgreSQL 17",
      date: "2026-01-01",
      quick: false,
      rounds: 3,
      secondsPerRun: 1,
    };
    const row = (design: "project" | "seed" | "plain", withDeletes: boolean, rate: number, errors = {}) => ({
      design,
      withDeletes,
      rate,
      rounds: [rate],
      errors,
    });
    const md = renderMarkdown({
      machine,
      mixed: [
        row("project", true, 500),
        row("seed", true, 1000),
        row("plain", true, 2000),
        row("project", false, 1000, { "23505": 3, "23503": 2 }),
        row("seed", false, 500),
        row("plain", false, 2000),
      ],
    });
    const lines = md.split("\n");
    expect(lines.find((l) => l.startsWith("| with deletes"))).toContain("loses to seed (0.50x)");
    expect(lines.find((l) => l.startsWith("| without deletes"))).not.toContain("loses");
    // Without deletes, a view of a missing product is an error: the target allows only repeated views.
    expect(lines.find((l) => l.startsWith("| without deletes"))).toContain(
      "misses target: errors other than 23505: 23503: 2",
    );
    expect(lines.find((l) => l.startsWith("| with deletes"))).not.toContain("misses");
    const live = renderMarkdown({
      machine,
      live: {
        available: true,
        clients: 200,
        connected: 200,
        saleLatencyP50Ms: 150,
        saleLatencyP99Ms: 270,
        missedSales: 0,
        apiSaleLatencyP50Ms: 40,
        apiSaleLatencyP99Ms: 120,
        apiMissedSales: 0,
        pollMs: 300,
        burstViews: 1000,
        burstSeconds: 2,
        eventsPerClientDuringBurst: 2,
        ingestWithWatcher: 920,
        ingestWithoutWatcher: 1000,
      },
      http: [
        { route: "/api/leaderboard", requestsPerSecond: 49, p99Ms: 10, non2xx: 0, errors: 0 },
        { route: "/api/health", requestsPerSecond: 100, p99Ms: 5, non2xx: 0, errors: 0 },
      ],
    });
    // Through this server: 100 ms; from elsewhere: the poll interval + 100 ms.
    expect(live).toContain("misses target: p99 120 > 100 ms");
    expect(live).toContain("misses target: 0.92x < 0.95x without the watcher");
    expect(live).not.toContain("p99 270 >");
    expect(live).toContain("misses target: 0.49x < 0.5x /api/health");
    // Ingest on the standard build: its own table and summary rows, judged by the same targets.
    const ingestRows = (project: number) =>
      ["project, record_product_view", "seed, record_product_view", "plain, insert"].map((label, i) => ({
        label,
        design: (["project", "seed", "plain"] as const)[i],
        connections: 8,
        rate: [project, 1000, 3000][i],
        rounds: [],
        errors: {},
      }));
    const ingest = renderMarkdown({
      machine,
      ingest: ingestRows(1200),
      ingestStandard: { server: "standard build, JIT, PostgreSQL 15.18", rows: ingestRows(900) },
    });
    expect(ingest).toContain("The same on the standard build, JIT, PostgreSQL 15.18:");
    const summary = ingest.split("\n").filter((l) => l.startsWith("| ingest views/s, 8 conn"));
    expect(summary).toHaveLength(2);
    expect(summary[0]).not.toContain("loses");
    expect(summary[1]).toContain("record_product_view (standard build)");
    expect(summary[1]).toContain("loses to seed (0.90x)");
  });

  it("rewrites only the table between the markers of docs/performance.md", () => {
    const start = "<!-- performance-table:start -->";
    const end = "<!-- performance-table:end -->";
    expect(fs.readFileSync(PERFORMANCE_DOC, "utf8")).toContain(start);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-doc-"));
    const file = path.join(dir, "performance.md");
    try {
      fs.writeFileSync(file, `# Performance\n\nWhy.\n\n${start}\nold table\n${end}\n\nMore prose.\n`);
      const machine = { cores: 2, cpu: "cpu", node: "v20", postgres: "PostgreSQL 17", date: "2026-01-01" };
      const results = { machine: { ...machine, quick: false, rounds: 3, secondsPerRun: 1 } } as Results;
      expect(updatePerformanceDoc(results, file)).toBe(true);
      const text = fs.readFileSync(file, "utf8");
      expect(text).not.toContain("old table");
      expect(text).toContain("Measured 2026-01-01 on 2 cores, PostgreSQL 17");
      expect(text.startsWith("# Performance\n\nWhy.\n\n")).toBe(true);
      expect(text.endsWith(`${end}\n\nMore prose.\n`)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
