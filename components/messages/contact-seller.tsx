"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useSWRConfig } from "swr";
import { apiFetch } from "@/lib/api/client";
import { MY_MESSAGES_KEY } from "@/lib/swr/use-my-messages";
import { MESSAGE_BODY_MAX, newMessageSchema } from "@/lib/validation/messages";

/**
 * "Message the seller" on a product page. A visitor who is not signed in is sent to sign in and comes
 * back here; the seller sees no box on their own listing. The message is plain text.
 */
export function ContactSeller({
  productId,
  sellerName,
  viewer,
}: {
  productId: string;
  sellerName: string;
  viewer: "signed-out" | "seller" | "shopper";
}) {
  const { mutate } = useSWRConfig();
  const [body, setBody] = useState("Hi! Is this still available?");
  const [status, setStatus] = useState<{ kind: "error" | "sent"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  if (viewer === "seller") return <p className="muted contact-seller">This is your listing.</p>;
  if (viewer === "signed-out")
    return (
      <p className="contact-seller">
        <Link className="button-link" href={`/sign-in?next=${encodeURIComponent(`/products/${productId}`)}`}>
          Sign in to message the seller
        </Link>
      </p>
    );

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = newMessageSchema.safeParse({ body });
    if (!parsed.success)
      return setStatus({ kind: "error", text: parsed.error.issues[0]?.message ?? "Write a message." });
    setBusy(true);
    setStatus(null);
    try {
      await apiFetch(`/api/products/${productId}/messages`, { method: "POST", body: parsed.data });
      setBody("");
      setStatus({ kind: "sent", text: `Sent to ${sellerName}.` });
      void mutate(MY_MESSAGES_KEY);
    } catch (failure) {
      setStatus({ kind: "error", text: failure instanceof Error ? failure.message : "Sending failed." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form contact-seller" aria-label="Message the seller" onSubmit={submit}>
      <label>
        Message {sellerName}
        <textarea
          value={body}
          onChange={(event) => setBody(event.target.value)}
          rows={3}
          maxLength={MESSAGE_BODY_MAX}
        />
      </label>
      {status && (
        <p
          role={status.kind === "error" ? "alert" : "status"}
          className={status.kind === "error" ? "field-error" : "muted"}
        >
          {status.text} {status.kind === "sent" && <Link href="/messages">See your messages</Link>}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Message the seller"}
        </button>
      </div>
    </form>
  );
}
