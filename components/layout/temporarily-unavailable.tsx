"use client";
import { useEffect, useEffectEvent, useState } from "react";

export const RETRY_SECONDS = 10;

/**
 * What a page shows when it could not be rendered (almost always: the database is briefly
 * unreachable). It stays calm, tries again by itself every RETRY_SECONDS and offers to try now, so
 * the page recovers on its own when the database is back, as the API does.
 */
export function TemporarilyUnavailable({ onRetry }: { onRetry: () => void }) {
  const [secondsLeft, setSecondsLeft] = useState(RETRY_SECONDS);
  // The latest onRetry, without restarting the countdown when the parent passes a new function.
  const retryNow = useEffectEvent(onRetry);

  // The timer owns the countdown: it retries when it reaches zero and starts over.
  useEffect(() => {
    let left = RETRY_SECONDS;
    const timer = setInterval(() => {
      left -= 1;
      if (left === 0) {
        left = RETRY_SECONDS;
        retryNow();
      }
      setSecondsLeft(left);
    }, 1000);
    return () => clearInterval(timer);
  }, []);

  return (
    <section className="unavailable" aria-labelledby="unavailable-title">
      <h1 id="unavailable-title">This page is temporarily unavailable</h1>
      <p>
        We could not load it just now, usually because the database is briefly out of reach. Nothing you did caused
        this.
      </p>
      <p role="status">Trying again in {secondsLeft} s…</p>
      <button type="button" onClick={onRetry}>
        Try again now
      </button>
    </section>
  );
}
