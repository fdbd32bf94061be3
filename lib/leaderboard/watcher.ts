/**
 * The one change watcher per server process (docs/architecture.md, "The parts"): while at least one
 * stream listens, it asks the database every few hundred milliseconds, through the same
 * rpc() seam as everything else (so it works on every transport), whether the leaderboard changed, and
 * tells each listener: at once for the first change (leading edge), then at most once a second (one
 * trailing event carries the latest). It also drives the streams' heartbeats. Nobody listening: no
 * timers, no queries. A change committed through this process wakes it (wake()): it asks at once instead
 * of at the next poll; changes from elsewhere (other instances, SQL) arrive with the next poll.
 */
import "server-only";
import { getConfig } from "../config";
import { ANON, rpc } from "../db";

export interface LeaderboardChange {
  /** The newest leaderboard stamp the watcher saw (ISO string). */
  updatedAt: string;
}

export interface WatcherListener {
  change(change: LeaderboardChange): void;
  ping(): void;
}

interface WatcherOptions {
  /** How often the database is asked (ms, 250-500), or where to read it when polling starts. */
  pollMs?: number | (() => number);
  /** The shortest gap between two events to one listener (ms). */
  minGapMs?: number;
  heartbeatMs?: number;
}

interface Subscription {
  listener: WatcherListener;
  lastSentAt: number;
  pending: LeaderboardChange | null;
  trailingTimer: ReturnType<typeof setTimeout> | null;
}

export class LeaderboardWatcher {
  private readonly pollMsSetting: number | (() => number);
  readonly minGapMs: number;
  readonly heartbeatMs: number;
  private readonly subscriptions = new Set<Subscription>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  /** The window the last answer's fingerprint covers; null before the first answer. */
  private since: string | null = null;
  private fingerprint: string | null = null;
  private latest: string | null = null;
  /** Bumped on every stop, so a poll in flight when the last listener left does not restart anything. */
  private generation = 0;
  private polls = 0;
  /** Polls that came back (an answer or a failure) while someone listened. */
  private answers = 0;
  private failing = false;
  /** A poll is on its way to the database; a wake meanwhile asks again as soon as it answers. */
  private inFlight = false;
  private wokenInFlight = false;

  constructor(options: WatcherOptions = {}) {
    this.pollMsSetting = options.pollMs ?? 300;
    this.minGapMs = options.minGapMs ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
  }

  /** How often the database is asked (ms). */
  get pollMs(): number {
    return typeof this.pollMsSetting === "function" ? this.pollMsSetting() : this.pollMsSetting;
  }

  /** Starts listening; the returned function stops (idempotent). */
  subscribe(listener: WatcherListener): () => void {
    const subscription: Subscription = { listener, lastSentAt: 0, pending: null, trailingTimer: null };
    this.subscriptions.add(subscription);
    if (this.subscriptions.size === 1) this.start();
    return () => {
      if (!this.subscriptions.delete(subscription)) return;
      if (subscription.trailingTimer) clearTimeout(subscription.trailingTimer);
      subscription.trailingTimer = null;
      if (this.subscriptions.size === 0) this.stop();
    };
  }

  /**
   * A change was just committed through this process: ask now rather than at the next poll (a poll on its
   * way may have read the database before the commit, so it is followed by another at once). Nothing when
   * nobody listens.
   */
  wake(): void {
    if (this.subscriptions.size === 0) return;
    if (this.inFlight) {
      this.wokenInFlight = true;
      return;
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    void this.poll(this.generation);
  }

  /** The watcher's own bookkeeping: what it holds right now (tests and diagnostics). */
  stats() {
    let trailingTimers = 0;
    for (const subscription of this.subscriptions) if (subscription.trailingTimer) trailingTimers++;
    return {
      listeners: this.subscriptions.size,
      // Polling from the first subscribe to the last unsubscribe (a poll in flight has no timer yet).
      polling: this.subscriptions.size > 0,
      timers: (this.pollTimer ? 1 : 0) + (this.heartbeatTimer ? 1 : 0) + trailingTimers,
      polls: this.polls,
      answers: this.answers,
    };
  }

  private start() {
    const generation = ++this.generation;
    this.heartbeatTimer = setInterval(() => {
      for (const subscription of this.subscriptions) subscription.listener.ping();
    }, this.heartbeatMs);
    void this.poll(generation);
  }

  private stop() {
    this.generation++;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.pollTimer = null;
    this.heartbeatTimer = null;
    // Forget the window: the next first listener starts from a fresh answer.
    this.since = null;
    this.fingerprint = null;
    this.latest = null;
  }

  private async poll(generation: number) {
    this.pollTimer = null;
    this.inFlight = true;
    this.wokenInFlight = false;
    try {
      await this.ask(generation);
    } finally {
      this.inFlight = false;
    }
    if (generation === this.generation) this.answers++;
    if (generation === this.generation && this.subscriptions.size > 0) {
      this.pollTimer = setTimeout(() => void this.poll(generation), this.wokenInFlight ? 0 : this.pollMs);
    }
  }

  /** One question to the database, and an event to every listener when the answer shows a change. */
  private async ask(generation: number) {
    try {
      this.polls++;
      const [answer] = await rpc("get_leaderboard_changes", this.since === null ? {} : { p_since: this.since }, ANON);
      if (generation !== this.generation) return;
      this.failing = false;
      // next_fingerprint is never null (a count and sums), so a null one means no answer yet.
      const first = this.fingerprint === null;
      const changed =
        !first &&
        (answer.latest !== this.latest || (this.since !== null && answer.since_fingerprint !== this.fingerprint));
      this.since = answer.next_since;
      this.fingerprint = answer.next_fingerprint;
      this.latest = answer.latest;
      if (changed) this.broadcast({ updatedAt: new Date(answer.latest ?? Date.now()).toISOString() });
    } catch (error) {
      // Keep going: the database may come back, and clients poll meanwhile. Say it once per outage.
      if (!this.failing) console.error("Leaderboard change watcher: polling failed:", error);
      this.failing = true;
    }
  }

  private broadcast(change: LeaderboardChange) {
    const now = Date.now();
    for (const subscription of this.subscriptions) {
      if (subscription.trailingTimer) {
        subscription.pending = change;
      } else if (now - subscription.lastSentAt >= this.minGapMs) {
        subscription.lastSentAt = now;
        subscription.listener.change(change);
      } else {
        subscription.pending = change;
        subscription.trailingTimer = setTimeout(
          () => {
            subscription.trailingTimer = null;
            const pending = subscription.pending;
            subscription.pending = null;
            if (pending && this.subscriptions.has(subscription)) {
              subscription.lastSentAt = Date.now();
              subscription.listener.change(pending);
            }
          },
          subscription.lastSentAt + this.minGapMs - now,
        );
      }
    }
  }
}

// One per server process, also across Next.js dev reloads of this module.
const globalForWatcher = globalThis as typeof globalThis & { leaderboardWatcher?: LeaderboardWatcher };
export const leaderboardWatcher = (globalForWatcher.leaderboardWatcher ??= new LeaderboardWatcher({
  pollMs: () => getConfig().leaderboardWatchMs,
}));
