/**
 * The rank folder (docs/architecture.md, "Ranks"): about once a second, asks the database to move the
 * counter rows whose rank bucket changed into the rank counts (public.fold_leaderboard_ranks). Ranks are
 * exact without it; it keeps them cheap to read, since each read corrects the counts by the rows not
 * folded yet. One per server process, started by instrumentation.ts. With several instances the database
 * runs one fold at a time and the others' calls return at once, so nothing here needs to coordinate.
 */
import "server-only";
import { rpc, SERVICE_ROLE } from "../db";

/** Rows per board in one fold: a short transaction, so a writer waits for a folded row only briefly. */
export const FOLD_BATCH = 2000;

export interface RankFolderOptions {
  /** The pause between folds (ms) when the last one caught up. */
  intervalMs?: number;
  /** Runs one fold; the number of rows it moved (tests pass their own). */
  fold?: () => Promise<number>;
  /** Where failures are reported: once when folding starts failing, once when it works again. */
  log?: (message: string) => void;
}

const foldThroughRpc = async () => (await rpc("fold_leaderboard_ranks", { p_limit: FOLD_BATCH }, SERVICE_ROLE)) ?? 0;

/** Starts folding; the returned function stops (a fold in flight finishes, and nothing follows it). */
export function startRankFolder(options: RankFolderOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? 1000;
  const fold = options.fold ?? foldThroughRpc;
  const log = options.log ?? ((message) => console.warn(message));
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let failing = false;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), delayMs);
    // Never the reason a process stays alive.
    timer.unref?.();
  };

  const tick = async () => {
    let moved = 0;
    try {
      moved = await fold();
      if (failing) log("rank folder: folding again");
      failing = false;
    } catch (error) {
      if (!failing) log(`rank folder: a fold failed, retrying every ${intervalMs} ms: ${(error as Error).message}`);
      failing = true;
    }
    // A full batch means more rows are waiting: fold again at once.
    schedule(moved >= FOLD_BATCH ? 0 : intervalMs);
  };

  schedule(0);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
