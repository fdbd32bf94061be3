import { z } from "zod";
import { handler } from "@/lib/api/handler";
import { leaderboardWatcher } from "@/lib/leaderboard/watcher";

// A long-lived stream: Node runtime (the watcher is per process), never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const encoder = new TextEncoder();

/**
 * Server-Sent Events: `event: change` with JSON `{ updatedAt }` whenever the leaderboard changed (at
 * once, then at most once a second), and `: ping` comment lines so proxies keep the stream open.
 */
export const GET = handler({ query: z.strictObject({}) }, async ({ request }) => {
  let unsubscribe: (() => void) | undefined;
  const release = () => {
    unsubscribe?.();
    unsubscribe = undefined;
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          release(); // the client went away between the abort and us noticing
        }
      };
      // Ask browsers to come back after 3 s if the connection drops (the client adds its own backoff).
      write("retry: 3000\n: connected\n\n");
      unsubscribe = leaderboardWatcher.subscribe({
        change: (change) => write(`event: change\ndata: ${JSON.stringify(change)}\n\n`),
        ping: () => write(": ping\n\n"),
      });
      const abort = () => {
        release();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      if (request.signal.aborted) abort();
      else request.signal.addEventListener("abort", abort, { once: true });
    },
    cancel: release,
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
});
