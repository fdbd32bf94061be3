"use client";
import { useEffect, useRef, useState } from "react";

export const RETRY_SECONDS = 10;

/**
 * What a page shows when it could not be rendered (almost always: the database is briefly
 * unreachable). It stays calm, tries again by itself every RETRY_SECONDS and offers to try now, so
 * the page recovers on its own when the database is back, as the API does.
 */
export function TemporarilyUnavailable({ onRetry }: { onRetry: () => void }) {
  const [secondsLeft, setSecondsLeft] = useState(RETRY_SECONDS);
  const retry = useRef(onRetry);
  useEffect(() => {
    retry.current = onRetry;
  });

  useEffect(() => {
    const timer = setInterval(() => setSecondsLeft((left) => left - 1), 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (secondsLeft > 0) return;
    retry.current();
    setSecondsLeft(RETRY_SECONDS);
  }, [secondsLeft]);

  return (
    <section className="unavailable" aria-labelledby="unavailable-title">
      <h1 id="unavailable-title">This page is temporarily unavailable</h1>
      <p>We could not load it just now, usually because the database is briefly out of reach. Nothing you did caused this.</p>
      <p role="status">Trying again in {Math.max(secondsLeft, 1)} s…</p>
      <button type="button" onClick={onRetry}>
        Try again now
      </button>
    </section>
  );
}
