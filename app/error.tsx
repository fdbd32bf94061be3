"use client";
import { useRouter } from "next/navigation";
import { startTransition, useCallback } from "react";
import { TemporarilyUnavailable } from "@/components/layout/temporarily-unavailable";

/** A page that failed to render (typically a database outage): calm, and retrying by itself. */
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  // Re-render the server part (refresh) and the boundary (reset) together, as Next.js recommends.
  const retry = useCallback(
    () =>
      startTransition(() => {
        router.refresh();
        reset();
      }),
    [router, reset],
  );
  return <TemporarilyUnavailable onRetry={retry} />;
}
