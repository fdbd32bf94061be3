import { z } from "zod";
import { errorResponse, handler } from "@/lib/api/handler";
import { clientAddress } from "@/lib/api/client-address";
import { getLimits } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { StreamSlots } from "@/lib/leaderboard/stream-slots";
import { leaderboardWatcher } from "@/lib/leaderboard/watcher";

// A long-lived stream: Node runtime (the watcher is per process), never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const encoder = new TextEncoder();

/** How long a refused client should wait before trying again (seconds). */
const RETRY_AFTER_SECONDS = 30;

// One per server process, also across Next.js dev reloads of this module.
const globalForStreams = globalThis as typeof globalThis & { leaderboardStreamSlots?: StreamSlots };
function streamSlots(): StreamSlots {
  const limits = getLimits();
  return (globalForStreams.leaderboardStreamSlots ??= new StreamSlots(
    limits.STREAMS_PER_ADDRESS,
    limits.STREAMS_PER_PROCESS,
  ));
}

/**
 * Server-Sent Events: `event: change` with JSON `{ updatedAt }` whenever the leaderboard changed (at
 * once, then at most once a second), and `: ping` comment lines so proxies keep the stream open.
 * At most STREAMS_PER_ADDRESS streams per client address (429) and STREAMS_PER_PROCESS per process
 * (503), both with Retry-After; a stream ends after STREAM_MAX_LIFETIME_SECONDS and the browser
 * reconnects (lib/leaderboard/live-updates.ts).
 */
export const GET = handler({ query: z.strictObject({}) }, async ({ request }) => {
  const admission = streamSlots().admit(clientAddress(request));
  if (!admission.ok) {
    const headers = { "Retry-After": String(RETRY_AFTER_SECONDS) };
    return admission.reason === "address"
      ? errorResponse(new AppError("rate_limited", "Too many live updates open from your address."), headers)
      : errorResponse(new AppError("server_busy", "Live updates are busy. Try again shortly."), headers);
  }
  let unsubscribe: (() => void) | undefined;
  let lifetimeTimer: ReturnType<typeof setTimeout> | undefined;
  const release = () => {
    unsubscribe?.();
    unsubscribe = undefined;
    if (lifetimeTimer) clearTimeout(lifetimeTimer);
    lifetimeTimer = undefined;
    admission.release();
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
      const end = () => {
        release();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      // Ask browsers to come back after 3 s if the connection drops (the client adds its own backoff).
      write("retry: 3000\n: connected\n\n");
      unsubscribe = leaderboardWatcher.subscribe({
        change: (change) => write(`event: change\ndata: ${JSON.stringify(change)}\n\n`),
        ping: () => write(": ping\n\n"),
      });
      lifetimeTimer = setTimeout(end, getLimits().STREAM_MAX_LIFETIME_SECONDS * 1000);
      if (request.signal.aborted) end();
      else request.signal.addEventListener("abort", end, { once: true });
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
