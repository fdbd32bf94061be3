/**
 * A stand-in for the browser's EventSource (jsdom has none) for component tests: every connection
 * the page opens is recorded, and the test sends the stream's events itself.
 */
import { vi } from "vitest";

export type FakeSource = EventTarget & { url: string; closed: boolean };

export function fakeEventSource() {
  const sources: FakeSource[] = [];
  class FakeEventSource extends EventTarget {
    closed = false;
    constructor(readonly url: string) {
      super();
      sources.push(this);
    }
    close() {
      this.closed = true;
    }
  }
  vi.stubGlobal("EventSource", FakeEventSource);
  return {
    sources,
    /** The connections still open. */
    open: () => sources.filter((source) => !source.closed),
    /** What the server sends when the leaderboard changed: SWR refetches the live keys. */
    change: () =>
      sources
        .at(-1)!
        .dispatchEvent(new MessageEvent("change", { data: JSON.stringify({ updatedAt: new Date().toISOString() }) })),
  };
}
