/**
 * The rank folder (lib/leaderboard/rank-folder.ts) against a real database, on fake timers (the tests move
 * time themselves): it folds what changed through the app's rpc() seam, folds again at once while batches
 * come back full, reports a failing fold once (and its recovery once), and stops.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FOLD_BATCH, startRankFolder } from "../../lib/leaderboard/rank-folder";
import { unfoldedRows } from "../db/leaderboard-helpers";
import { createUser } from "../helpers/db";
import { setUpEmbeddedApp } from "../helpers/app";

const app = setUpEmbeddedApp();
const realSetTimeout = globalThis.setTimeout;

/** Waits in real time (for the database) until `condition` holds. */
async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 20_000) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 10));
  }
}

const unfolded = () => unfoldedRows(app.db.pool);

afterEach(() => {
  vi.useRealTimers();
});

describe("the rank folder", () => {
  it("folds the counter rows that changed, through rpc(), on its interval", async () => {
    vi.useFakeTimers();
    const seller = await createUser(app.db.pool, "Folded");
    await app.db.pool.query(
      "insert into public.seller_view_counts (seller_id, year, month, total_views) values ($1, 2020, 1, 300)",
      [seller],
    );
    expect(await unfolded()).toBeGreaterThan(0);
    const stop = startRankFolder({ intervalMs: 1000 });
    try {
      await vi.advanceTimersByTimeAsync(0);
      await until(async () => (await unfolded()) === 0, "the first fold moved the row");
      // A change after it waits for the next interval.
      await app.db.pool.query(
        "update public.seller_view_counts set total_views = 5000 where seller_id = $1 and year = 2020",
        [seller],
      );
      expect(await unfolded()).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      await until(async () => (await unfolded()) === 0, "the next fold moved it");
    } finally {
      stop();
    }
  });

  it("folds again at once while a batch comes back full, then waits", async () => {
    vi.useFakeTimers();
    const answers = [FOLD_BATCH, FOLD_BATCH, 3, 0];
    const calls: number[] = [];
    const stop = startRankFolder({
      intervalMs: 1000,
      fold: async () => {
        calls.push(Date.now());
        return answers.shift() ?? 0;
      },
    });
    const start = Date.now();
    // Two full batches: the next folds follow at once, not an interval later.
    await vi.advanceTimersByTimeAsync(10);
    expect(calls.map((at) => at - start)).toEqual([0, expect.any(Number), expect.any(Number)]);
    expect(calls[2] - start).toBeLessThan(10);
    // The third caught up: the fourth waits the interval.
    await vi.advanceTimersByTimeAsync(calls[2] - start + 1000 - 10 - 1);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(4);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(4);
  });

  it("says once that folding fails and once that it works again", async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    let down = true;
    const stop = startRankFolder({
      intervalMs: 1000,
      log: (message) => log.push(message),
      fold: async () => {
        if (down) throw new Error("connection refused");
        return 0;
      },
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(log).toEqual(["rank folder: a fold failed, retrying every 1000 ms: connection refused"]);
    down = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toHaveLength(2);
    expect(log[1]).toBe("rank folder: folding again");
    stop();
  });
});
