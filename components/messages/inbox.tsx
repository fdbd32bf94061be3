"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { formatDate } from "@/components/products/format";
import { useMyMessages } from "@/lib/swr/use-my-messages";
import type { InboxMessage, InboxResponse } from "@/lib/validation/messages";
import { MESSAGE_BODY_MAX, replySchema } from "@/lib/validation/messages";

/** The inbox: newest first; opening a message marks it read (the unread count drops); the recipient may reply. */
export function Inbox({ initialInbox }: { initialInbox: InboxResponse }) {
  const { inbox = initialInbox, error, markRead, reply } = useMyMessages(initialInbox);
  const [openId, setOpenId] = useState<string | null>(null);
  const [alert, setAlert] = useState<string | null>(null);

  async function open(message: InboxMessage) {
    const opening = openId !== message.id;
    setOpenId(opening ? message.id : null);
    if (!opening || message.readAt !== null) return;
    setAlert(null);
    try {
      await markRead(message.id);
    } catch (failure) {
      setAlert(`Could not mark the message as read. ${failure instanceof Error ? failure.message : ""}`.trim());
    }
  }

  return (
    <div className="inbox">
      <p className="inbox-summary" aria-live="polite">
        {inbox.unreadCount === 0
          ? "No unread messages."
          : `${inbox.unreadCount} unread ${inbox.unreadCount === 1 ? "message" : "messages"}.`}
      </p>
      {(alert || error) && (
        <p role="alert" className="alert">
          {alert ?? `Could not refresh your messages. ${error?.message ?? ""}`}
        </p>
      )}
      {inbox.messages.length === 0 ? (
        <p className="empty">No messages yet. When a shopper asks about one of your listings, it shows up here.</p>
      ) : (
        <ul className="message-list" aria-label="Messages">
          {inbox.messages.map((message) => {
            const unread = message.readAt === null;
            const expanded = openId === message.id;
            const bodyId = `message-${message.id}-body`;
            return (
              <li
                key={message.id}
                className={`card message${unread ? " message-unread" : ""}`}
                aria-label={`From ${message.senderName}${unread ? ", unread" : ""}`}
              >
                <button
                  type="button"
                  className="message-toggle"
                  aria-expanded={expanded}
                  aria-controls={bodyId}
                  onClick={() => void open(message)}
                >
                  <span className="message-from">
                    {unread && <span className="unread-dot" aria-hidden="true" />}
                    {message.senderName}
                    {unread && <span className="visually-hidden"> (unread)</span>}
                  </span>
                  <span className="muted message-meta">
                    {message.productTitle ? `about ${message.productTitle}` : "no product"} ·{" "}
                    {formatDate(message.createdAt)}
                  </span>
                  {!expanded && <span className="message-preview">{message.body}</span>}
                </button>
                {expanded && (
                  <div id={bodyId} className="message-body">
                    <p>{message.body}</p>
                    {message.productId && message.productTitle && (
                      <p className="muted">
                        Product: <Link href={`/products/${message.productId}`}>{message.productTitle}</Link>
                      </p>
                    )}
                    <ReplyForm to={message.senderName} onSend={(body) => reply(message.id, { body })} />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function ReplyForm({ to, onSend }: { to: string; onSend: (body: string) => Promise<unknown> }) {
  const [body, setBody] = useState("");
  const [status, setStatus] = useState<{ kind: "error" | "sent"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = replySchema.safeParse({ body });
    if (!parsed.success) return setStatus({ kind: "error", text: parsed.error.issues[0]?.message ?? "Write a reply." });
    setBusy(true);
    setStatus(null);
    try {
      await onSend(parsed.data.body);
      setBody("");
      setStatus({ kind: "sent", text: `Reply sent to ${to}.` });
    } catch (failure) {
      setStatus({ kind: "error", text: failure instanceof Error ? failure.message : "Sending failed." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form reply-form" aria-label={`Reply to ${to}`} onSubmit={submit}>
      <label>
        Your reply
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
          {status.text}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Send reply"}
        </button>
      </div>
    </form>
  );
}
