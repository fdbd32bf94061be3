"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { formatDate } from "@/components/products/format";
import { useMyMessages } from "@/lib/swr/use-my-messages";
import type { Conversation, ConversationSale, InboxResponse } from "@/lib/validation/messages";
import { MESSAGE_BODY_MAX, replySchema } from "@/lib/validation/messages";

/**
 * The inbox: conversations (one per product and other person, both directions), latest activity first.
 * Opening one marks what it holds read (the counts drop) and shows the messages, oldest first, with a
 * reply box. A named buyer answers the sale here (Confirm / Not me); the seller sees the answer.
 * Bodies are shown as typed: plain text, never HTML.
 */
export function Inbox({ initialInbox }: { initialInbox: InboxResponse }) {
  const { inbox = initialInbox, error, markRead, send, answerSale } = useMyMessages(initialInbox);
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [alert, setAlert] = useState<string | null>(null);

  async function open(conversation: Conversation) {
    const opening = openKey !== conversation.key;
    setOpenKey(opening ? conversation.key : null);
    if (!opening || conversation.unreadCount === 0) return;
    setAlert(null);
    try {
      await markRead(conversation);
    } catch (failure) {
      setAlert(`Could not mark the messages as read. ${failure instanceof Error ? failure.message : ""}`.trim());
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
      {inbox.conversations.length === 0 ? (
        <p className="empty">
          No messages yet. Ask a seller about a listing from its page, and when a shopper asks about one of yours, it
          shows up here.
        </p>
      ) : (
        <ul className="message-list" aria-label="Conversations">
          {inbox.conversations.map((conversation) => {
            const unread = conversation.unreadCount > 0;
            const expanded = openKey === conversation.key;
            const bodyId = `conversation-${conversation.key.replace(/[^a-z0-9-]/gi, "-")}`;
            const last = conversation.messages[conversation.messages.length - 1];
            const about = conversation.productTitle ? `about ${conversation.productTitle}` : "no product";
            return (
              <li
                key={conversation.key}
                className={`card message${unread ? " message-unread" : ""}`}
                aria-label={`${conversation.otherName}, ${about}${unread ? `, ${conversation.unreadCount} unread` : ""}`}
              >
                <button
                  type="button"
                  className="message-toggle"
                  aria-expanded={expanded}
                  aria-controls={bodyId}
                  onClick={() => void open(conversation)}
                >
                  <span className="message-from">
                    {unread && <span className="unread-dot" aria-hidden="true" />}
                    {conversation.otherName}
                    {unread && <span className="visually-hidden"> (unread)</span>}
                  </span>
                  <span className="muted message-meta">
                    {about} · {formatDate(conversation.lastMessageAt)}
                  </span>
                  {conversation.sale && <SaleLine sale={conversation.sale} otherName={conversation.otherName} />}
                  {!expanded && last && (
                    <span className="message-preview">
                      {last.outgoing ? "You: " : ""}
                      {last.body}
                    </span>
                  )}
                </button>
                {expanded && (
                  <div id={bodyId} className="message-body">
                    {conversation.productId && conversation.productTitle && (
                      <p className="muted">
                        Product: <Link href={`/products/${conversation.productId}`}>{conversation.productTitle}</Link>
                      </p>
                    )}
                    <ol className="thread" aria-label={`Messages with ${conversation.otherName}`}>
                      {conversation.messages.map((message) => (
                        <li key={message.id} className={`thread-message${message.outgoing ? " thread-outgoing" : ""}`}>
                          <span className="muted thread-meta">
                            {message.outgoing ? "You" : conversation.otherName} · {formatDate(message.createdAt)}
                          </span>
                          <p className="thread-body">{message.body}</p>
                        </li>
                      ))}
                    </ol>
                    {conversation.sale?.readerIsBuyer && conversation.productId && (
                      <BuyerAnswer
                        sale={conversation.sale}
                        sellerName={conversation.otherName}
                        productTitle={conversation.productTitle ?? "this item"}
                        onAnswer={(response) => answerSale(conversation.productId!, response)}
                      />
                    )}
                    {(conversation.replyToId || conversation.productId) && (
                      <ReplyForm to={conversation.otherName} onSend={(body) => send(conversation, body)} />
                    )}
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

/** One line on the sale between the two people, from the reader's side. */
function SaleLine({ sale, otherName }: { sale: ConversationSale; otherName: string }) {
  const answer =
    sale.buyerResponse === "confirm"
      ? "confirmed"
      : sale.buyerResponse === "not_me"
        ? "answered “Not me”: not on the boards"
        : "no answer yet";
  return (
    <span className="message-sale">
      {sale.readerIsBuyer
        ? `${otherName} marked you as the buyer · ${sale.buyerResponse === null ? "please answer" : `you ${answer}`}`
        : `You marked ${otherName} as the buyer · ${sale.buyerResponse === null ? answer : `${otherName} ${answer}`}`}
    </span>
  );
}

/** The named buyer's Confirm / Not me; "Not me" only within 14 days of the sale, and every answer is final. */
function BuyerAnswer({
  sale,
  sellerName,
  productTitle,
  onAnswer,
}: {
  sale: ConversationSale;
  sellerName: string;
  productTitle: string;
  onAnswer: (response: "confirm" | "not_me") => Promise<unknown>;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function answer(response: "confirm" | "not_me") {
    setBusy(true);
    setFailure(null);
    try {
      await onAnswer(response);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : "Your answer could not be saved.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card sale-notice" role="group" aria-label="Your purchase">
      <p>
        {sellerName} marked you as the buyer of <em>{productTitle}</em> on {formatDate(sale.soldAt)}.
      </p>
      {sale.buyerResponse === null ? (
        <div className="row-actions">
          <button type="button" disabled={busy} onClick={() => void answer("confirm")}>
            Confirm
          </button>
          {sale.notMeOpen && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void answer("not_me")}>
              Not me
            </button>
          )}
        </div>
      ) : (
        <p role="status" className="muted">
          {sale.buyerResponse === "confirm"
            ? "You confirmed this purchase."
            : "You answered “Not me”: this sale is off the leaderboards."}
        </p>
      )}
      {failure && (
        <p role="alert" className="field-error">
          {failure}
        </p>
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
      setStatus({ kind: "sent", text: `Sent to ${to}.` });
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
