/**
 * The caps of GET /api/leaderboard/stream: at most STREAMS_PER_ADDRESS open streams per client address
 * (429) and STREAMS_PER_PROCESS per process (503), both with Retry-After; a slot is freed when its
 * stream ends; and a stream ends by itself after STREAM_MAX_LIFETIME_SECONDS (fake timers: no waiting).
 */
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resetConfigForTests } from "../../lib/config";
import { leaderboardWatcher } from "../../lib/leaderboard/watcher";
import { StreamSlots } from "../../lib/leaderboard/stream-slots";
import { createTestDatabase } from "../helpers/db";

let GET: (request: NextRequest) => Promise<Response>;

beforeAll(async () => {
  const db = await createTestDatabase();
  Object.assign(process.env, {
    APP_MODE: "embedded",
    DATABASE_URL: db.url,
    TRUST_PROXY: "1",
    STREAMS_PER_ADDRESS: "2",
    STREAMS_PER_PROCESS: "5",
    STREAM_MAX_LIFETIME_SECONDS: "900",
  });
  resetConfigForTests();
  ({ GET } = await import("../../app/api/leaderboard/stream/route"));
});

afterAll(() => {
  for (const name of ["TRUST_PROXY", "STREAMS_PER_ADDRESS", "STREAMS_PER_PROCESS", "STREAM_MAX_LIFETIME_SECONDS"])
    delete process.env[name];
});

const open: AbortController[] = [];
afterEach(async () => {
  for (const controller of open.splice(0)) controller.abort();
  vi.useRealTimers();
  await vi.waitFor(() => expect(leaderboardWatcher.stats()).toMatchObject({ listeners: 0, timers: 0 }));
});

async function openStream(address: string) {
  const controller = new AbortController();
  open.push(controller);
  const response = await GET(
    new NextRequest("http://localhost/api/leaderboard/stream", {
      headers: { "x-forwarded-for": address },
      signal: controller.signal,
    }),
  );
  return { response, close: () => controller.abort() };
}

describe("stream caps", () => {
  it("answers 429 with Retry-After beyond the per-address cap; other addresses still get theirs", async () => {
    const first = await openStream("198.51.100.1");
    const second = await openStream("198.51.100.1");
    expect([first.response.status, second.response.status]).toEqual([200, 200]);
    const third = await openStream("198.51.100.1");
    expect(third.response.status).toBe(429);
    expect((await third.response.json()).error.code).toBe("rate_limited");
    expect(Number(third.response.headers.get("retry-after"))).toBeGreaterThan(0);
    // IPv6: the /64 is one address.
    const v6 = [await openStream("2001:db8:1:2::1"), await openStream("2001:db8:1:2::ffff")];
    expect(v6.map((stream) => stream.response.status)).toEqual([200, 200]);
    expect((await openStream("2001:db8:1:2:abcd::9")).response.status).toBe(429);
    // Closing one frees its slot.
    first.close();
    const again = await openStream("198.51.100.1");
    expect(again.response.status).toBe(200);
  });

  it("answers 503 with Retry-After beyond the per-process cap", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await openStream(`203.0.113.${i}`)).response.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 503]);
    const refused = await openStream("203.0.113.99");
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("ends a stream after its maximum lifetime, which frees its slot", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    const stream = await openStream("192.0.2.50");
    expect(stream.response.status).toBe(200);
    const reader = stream.response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^retry: 3000/);
    await vi.advanceTimersByTimeAsync(899_000);
    await openStream("192.0.2.50");
    expect((await openStream("192.0.2.50")).response.status).toBe(429); // two open: the cap
    await vi.advanceTimersByTimeAsync(1_000);
    let done = false;
    while (!done) done = (await reader.read()).done;
    // The first stream's slot is free again.
    expect((await openStream("192.0.2.50")).response.status).toBe(200);
  });
});

describe("StreamSlots", () => {
  it("counts per address and per process, releases once, and forgets addresses with nothing open", () => {
    const slots = new StreamSlots(2, 3);
    const a1 = slots.admit("a");
    const a2 = slots.admit("a");
    expect(slots.admit("a")).toEqual({ ok: false, reason: "address" });
    const unknown = slots.admit(null); // no address: only the process cap applies
    expect(slots.admit("b")).toEqual({ ok: false, reason: "process" });
    for (const admission of [a1, a2, unknown]) if (admission.ok) admission.release();
    if (a1.ok) a1.release(); // twice: no effect
    expect(slots.stats()).toEqual({ open: 0, addresses: 0 });
  });
});
