"use client";
import { useEffect, useState, type FormEvent } from "react";
import { apiFetch } from "@/lib/api/client";
import type { BuyerCandidate } from "@/lib/validation/products";
import { formatDate } from "./format";

const ELSEWHERE = "elsewhere";

/**
 * "Who bought it?", the step of "Mark as sold": the people who wrote to the seller about this product,
 * and "Sold elsewhere". Only a sale to one of them can rank on the leaderboard; the buyer cannot be
 * changed afterwards (undo the sale within 14 days and sell again instead).
 */
export function WhoBoughtIt({
  productId,
  title,
  onConfirm,
  onCancel,
}: {
  productId: string;
  title: string;
  onConfirm: (buyerId: string | undefined) => void;
  onCancel: () => void;
}) {
  const [candidates, setCandidates] = useState<BuyerCandidate[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [choice, setChoice] = useState<string>(ELSEWHERE);

  useEffect(() => {
    const request = new AbortController();
    apiFetch<{ candidates: BuyerCandidate[] }>(`/api/products/${productId}/buyer-candidates`, {
      signal: request.signal,
    })
      .then(({ candidates: found }) => {
        setCandidates(found);
        if (found[0]) setChoice(found[0].userId);
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setCandidates([]);
        setFailure(error instanceof Error ? error.message : "Could not load who wrote to you.");
      });
    return () => request.abort();
  }, [productId]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onConfirm(choice === ELSEWHERE ? undefined : choice);
  }

  return (
    <form className="confirm who-bought-it" aria-label={`Who bought ${title}?`} onSubmit={submit}>
      <fieldset className="buyer-choice" disabled={candidates === null}>
        <legend>Who bought “{title}”?</legend>
        {candidates === null && <p className="muted">Loading who wrote to you…</p>}
        {candidates?.length === 0 && !failure && (
          <p className="muted">Nobody has written to you about it. Only a sale to someone who did can rank.</p>
        )}
        {candidates?.map((candidate) => (
          <label key={candidate.userId}>
            <input
              type="radio"
              name={`buyer-${productId}`}
              value={candidate.userId}
              checked={choice === candidate.userId}
              onChange={() => setChoice(candidate.userId)}
            />
            <span>
              {candidate.displayName} <span className="muted">· wrote {formatDate(candidate.lastMessageAt)}</span>
            </span>
          </label>
        ))}
        {candidates !== null && (
          <label>
            <input
              type="radio"
              name={`buyer-${productId}`}
              value={ELSEWHERE}
              checked={choice === ELSEWHERE}
              onChange={() => setChoice(ELSEWHERE)}
            />
            <span>Sold elsewhere</span>
          </label>
        )}
      </fieldset>
      {failure && (
        <p role="alert" className="field-error">
          {failure}
        </p>
      )}
      <div className="row-actions">
        <button type="submit" disabled={candidates === null}>
          Mark as sold
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
