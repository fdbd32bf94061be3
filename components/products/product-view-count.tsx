"use client";
import { useEffect, useRef, useState } from "react";
import { apiFetch } from "@/lib/api/client";
import { formatViews } from "./format";

/**
 * Records this visit once (POST /api/products/:id/views) and shows the view count, one higher when
 * the server says the visit counted. A failure to record is not the shopper's problem: it stays silent.
 */
export function ProductViewCount({ productId, initialCount }: { productId: string; initialCount: number }) {
  const [count, setCount] = useState(initialCount);
  // React runs effects twice in development (Strict Mode); a visit is still one POST.
  const recordedFor = useRef<string | null>(null);

  useEffect(() => {
    if (recordedFor.current === productId) return;
    recordedFor.current = productId;
    apiFetch<{ counted: boolean }>(`/api/products/${productId}/views`, { method: "POST" })
      .then(({ counted }) => {
        if (counted) setCount((current) => current + 1);
      })
      .catch(() => undefined);
  }, [productId]);

  return <span data-testid="view-count">{formatViews(count)}</span>;
}
