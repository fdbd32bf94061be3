"use client";
import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { TemporarilyUnavailable } from "@/components/layout/temporarily-unavailable";

/** A page that failed to render (typically a database outage): calm, and retrying by itself. */
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  // Re-render the server part (refresh) and the boundary (reset) together, as Next.js recommends.
  // (TemporarilyUnavailable reads the latest onRetry itself: no memoising needed.)
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return <TemporarilyUnavailable onRetry={retry} />;
}
