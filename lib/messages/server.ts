/**
 * The signed-in user's inbox, through the one database seam. Who may read, mark and reply is decided
 * by the SQL functions and the messages policies (recipient only), never here.
 */
import "server-only";
import { rpc, type DbSession } from "../db";
import { inboxResponseSchema, type InboxResponse, type ReplyInput } from "../validation/messages";

const INBOX_LIMIT = 50;

/** Newest first, with the unread count (which counts every unread message, not only the page's). */
export async function listMyMessages(session: DbSession): Promise<InboxResponse> {
  const rows = await rpc("list_my_messages", { p_limit: INBOX_LIMIT }, session);
  // A short page is the whole inbox: count its unread rows here. A full one may have more beyond it.
  const unreadCount =
    rows.length < INBOX_LIMIT
      ? rows.filter((row) => (row.read_at ?? null) === null).length
      : (await rpc("get_seller_dashboard", {}, session))[0].unread_messages;
  return inboxResponseSchema.parse({
    messages: rows.map((row) => ({
      id: row.id,
      senderId: row.sender_id,
      senderName: row.sender_name,
      productId: row.product_id ?? null,
      productTitle: row.product_title ?? null,
      body: row.body,
      createdAt: row.created_at,
      readAt: row.read_at ?? null,
    })),
    unreadCount,
  });
}

/** Returns the caller's unread count after marking. */
export async function markMessageRead(messageId: string, session: DbSession): Promise<number> {
  return rpc("mark_message_read", { p_message_id: messageId }, session);
}

export async function replyToMessage(messageId: string, input: ReplyInput, session: DbSession): Promise<string> {
  return rpc("reply_to_message", { p_message_id: messageId, p_body: input.body }, session);
}
