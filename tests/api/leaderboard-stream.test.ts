/**
 * The live leaderboard against a real database: the change watcher (one per process) and
 * GET /api/leaderboard/stream. A committed change produces an event, a late commit stamped before the
 * newest stamp is still seen, bursts are coalesced per client (the first change at once, then at most
 * one event a second), and everything (listeners, timers, polling) is freed when the last client
 * leaves, also with 100 streams and 1,000 views.
 * The watcher's timers and clock are fake: the tests move time on themselves, so what they check does
 * not depend on how fast this machine is. The database is real; only its answers take real time.
 * Memory and latency under load are measured by `npm run bench`, not here.
 */
import { NextRequest } from "next/server";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LeaderboardWatcher, leaderboardWatcher, type LeaderboardChange } from "../../lib/leaderboard/watcher";
import { insertView } from "../db/leaderboard-helpers";
import { createUser } from "../helpers/db";
import { setUpEmbeddedApp } from "../helpers/app";

const app = setUpEmbeddedApp();
let GET: (request: NextRequest) => Promise<Response>;
let seller: string;
let product: string;

/** Taken before any test fakes timers: waiting for the database's answers takes real time. */
const realSetTimeout = globalThis.setTimeout;

/** Waits (in real time, for the database) until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 20_000) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  }
}

/** Lets the watcher's next poll run and waits for the database's answer. */
async function nextPoll(watcher: LeaderboardWatcher): Promise<void> {
  const answers = watcher.stats().answers;
  await vi.advanceTimersByTimeAsync(watcher.pollMs);
  await until(() => watcher.stats().answers > answers, "the watcher's poll was answered");
}

async function sell(sellerId: string) {
  await app.db.pool.query(
    "insert into public.products (seller_id, title, price, status) values ($1, 'Thing', 10, 'sold')",
    [sellerId],
  );
}

async function latestStamp(): Promise<string> {
  const { rows } = await app.db.pool.query("select max(last_updated) as at from public.seller_leaderboard_cache");
  return new Date(rows[0].at).toISOString();
}

/** A watcher whose events are recorded with the (fake) time they were sent; waits for its first answer. */
async function watch(watcher: LeaderboardWatcher) {
  const events: LeaderboardChange[] = [];
  const sentAt: number[] = [];
  const answers = watcher.stats().answers;
  const unsubscribe = watcher.subscribe({
    change: (change) => {
      events.push(change);
      sentAt.push(Date.now());
    },
    ping: () => {},
  });
  await until(() => watcher.stats().answers > answers, "the watcher's first poll was answered");
  return { events, sentAt, unsubscribe };
}

beforeAll(async () => {
  ({ GET } = await import("../../app/api/leaderboard/stream/route"));
  seller = await createUser(app.db.pool, "Ada");
  const { rows } = await app.db.pool.query(
    "insert into public.products (seller_id, title, price, status) values ($1, 'Lamp', 10, 'active') returning id",
    [seller],
  );
  product = rows[0].id;
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
});

afterEach(() => {
  vi.useRealTimers();
  expect(leaderboardWatcher.stats()).toMatchObject({ listeners: 0, timers: 0 });
});

describe("the change watcher", () => {
  it("sends an event for a committed sale, with the data's updatedAt", async () => {
    const watcher = new LeaderboardWatcher({ pollMs: 250 });
    const { events, unsubscribe } = await watch(watcher);
    await nextPoll(watcher);
    expect(events).toEqual([]);
    await sell(seller);
    await nextPoll(watcher);
    expect(events).toEqual([{ updatedAt: await latestStamp() }]);
    unsubscribe();
  });

  it("asks at once when woken by a commit through this process, without waiting for the next poll", async () => {
    // Polls an hour apart: only wake() can bring the event.
    const watcher = new LeaderboardWatcher({ pollMs: 3_600_000, minGapMs: 0 });
    const events: LeaderboardChange[] = [];
    const unsubscribe = watcher.subscribe({ change: (change) => events.push(change), ping: () => {} });
    await vi.waitFor(() => expect(watcher.stats().polls).toBe(1), { timeout: 10_000 });
    // A wake while the first poll is on its way asks again once it answers: the first answer is in then.
    watcher.wake();
    await vi.waitFor(() => expect(watcher.stats().polls).toBe(2), { timeout: 10_000 });
    await sell(seller);
    watcher.wake();
    await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 10_000 });
    expect(watcher.stats().polls).toBeLessThanOrEqual(4);
    unsubscribe();
  });

  it("sees a late commit whose stamp is older than the newest one it already saw", async () => {
    const watcher = new LeaderboardWatcher({ pollMs: 250, minGapMs: 0 });
    const { events, unsubscribe } = await watch(watcher);
    const late = await app.db.pool.connect();
    try {
      await late.query("begin");
      await insertView(late, product); // stamped now, committed later
      await sell(seller); // a newer stamp, committed first
      await nextPoll(watcher);
      expect(events).toHaveLength(1);
      await late.query("commit");
      await nextPoll(watcher);
      expect(events).toHaveLength(2);
    } finally {
      late.release();
    }
    unsubscribe();
  });

  it("coalesces a burst: the first change at once, then at most one event a second, the last carrying the latest", async () => {
    const watcher = new LeaderboardWatcher({ pollMs: 250 });
    const { events, sentAt, unsubscribe } = await watch(watcher);
    const burstStartedAt = Date.now();
    for (let i = 0; i < 12; i++) {
      await sell(seller); // a change seen by every poll for 3 seconds
      await nextPoll(watcher);
      if (i === 0) expect(events).toHaveLength(1); // the leading edge is not held back
    }
    await vi.advanceTimersByTimeAsync(1000); // the trailing event
    const burstSeconds = (Date.now() - burstStartedAt) / 1000;
    expect(events.length).toBeGreaterThan(1);
    expect(events.length).toBeLessThanOrEqual(Math.ceil(burstSeconds) + 1);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i] - sentAt[i - 1]).toBeGreaterThanOrEqual(1000);
    expect(events.at(-1)).toEqual({ updatedAt: await latestStamp() });
    unsubscribe();
  });

  it("stops polling when the last listener leaves, and starts again with the next", async () => {
    const watcher = new LeaderboardWatcher({ pollMs: 250 });
    expect(watcher.stats()).toMatchObject({ listeners: 0, timers: 0, polls: 0 });
    const first = await watch(watcher);
    const second = watcher.subscribe({ change: () => {}, ping: () => {} });
    first.unsubscribe();
    expect(watcher.stats()).toMatchObject({ listeners: 1, polling: true });
    second();
    second(); // idempotent
    expect(watcher.stats()).toMatchObject({ listeners: 0, timers: 0, polling: false });
    const polls = watcher.stats().polls;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(watcher.stats().polls).toBe(polls);
    const again = await watch(watcher);
    await sell(seller);
    await nextPoll(watcher);
    expect(again.events).toHaveLength(1);
    again.unsubscribe();
  });

  it("sends heartbeats while someone listens, and none after", async () => {
    const watcher = new LeaderboardWatcher({ pollMs: 250, heartbeatMs: 100 });
    let pings = 0;
    const unsubscribe = watcher.subscribe({ change: () => {}, ping: () => pings++ });
    await vi.advanceTimersByTimeAsync(350);
    expect(pings).toBe(3);
    unsubscribe();
    await vi.advanceTimersByTimeAsync(1000);
    expect(pings).toBe(3);
  });
});

/** Opens a stream and collects what it sends until the controller aborts. */
async function openStream() {
  const controller = new AbortController();
  const response = await GET(new NextRequest("http://localhost/api/leaderboard/stream", { signal: controller.signal }));
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const stream = { response, text: "", changes: [] as LeaderboardChange[], close: () => controller.abort() };
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      stream.text += decoder.decode(value, { stream: true });
      const changes = [...stream.text.matchAll(/^event: change\ndata: (.*)$/gm)];
      stream.changes = changes.map((match) => JSON.parse(match[1]) as LeaderboardChange);
    }
  })();
  return stream;
}

type Stream = Awaited<ReturnType<typeof openStream>>;

/** Waits until every stream has read what was written to it (the readers run on real I/O). */
async function drained(streams: Stream[], atLeast: number) {
  await until(() => streams.every((stream) => stream.changes.length >= atLeast), "every stream read its events");
}

describe("GET /api/leaderboard/stream", () => {
  it("answers an event stream with the SSE headers and a change event per committed sale", async () => {
    const stream = await openStream();
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(stream.response.headers.get("x-accel-buffering")).toBe("no");
    await until(() => leaderboardWatcher.stats().answers > 0, "the first poll was answered");
    await sell(seller);
    await nextPoll(leaderboardWatcher);
    await drained([stream], 1);
    expect(stream.changes).toEqual([{ updatedAt: await latestStamp() }]);
    expect(stream.text).toMatch(/^event: change\ndata: \{"updatedAt":"[^"]+"\}\n\n/m);
    stream.close();
    await until(() => leaderboardWatcher.stats().listeners === 0, "the stream let go of the watcher");
  });

  it("rejects unknown query parameters in the one error shape", async () => {
    const response = await GET(new NextRequest("http://localhost/api/leaderboard/stream?x=1"));
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_input");
  });

  it("serves 100 streams through 1,000 views with a few events each, then frees everything", async () => {
    const answers = leaderboardWatcher.stats().answers;
    const streams = await Promise.all(Array.from({ length: 100 }, () => openStream()));
    expect(leaderboardWatcher.stats().listeners).toBe(100);
    await until(() => leaderboardWatcher.stats().answers > answers, "the first poll was answered");
    const startedAt = Date.now();
    // 1,000 views in 20 batches, one poll after each: every poll sees a change.
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, () => insertView(app.db.pool, product, null, { sessionId: crypto.randomUUID() })),
      );
      await nextPoll(leaderboardWatcher);
    }
    await vi.advanceTimersByTimeAsync(1000); // the trailing events
    const seconds = (Date.now() - startedAt) / 1000;
    await drained(streams, 2);
    for (const stream of streams) {
      // The leading edge, then at most one a second: far fewer events than views.
      expect(stream.changes.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
      expect(stream.changes.at(-1)).toEqual({ updatedAt: await latestStamp() });
    }
    for (const stream of streams) stream.close();
    await until(() => leaderboardWatcher.stats().listeners === 0, "every stream let go of the watcher");
    expect(leaderboardWatcher.stats()).toMatchObject({ listeners: 0, timers: 0, polling: false });
  });
});
