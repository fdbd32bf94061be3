/**
 * The signed-in user's messages, through the one database seam: conversations (both directions, grouped
 * by product and other person, with the sale between them when it names a buyer), writing to a seller,
 * marking read and replying. Who may read, write and answer is decided by the SQL functions and the
 * messages and sales policies, never here.
 */
import "server-only";
import { rpc, type DbSession } from "../db";
import {
  inboxResponseSchema,
  sentMessageSchema,
  type Conversation,
  type InboxResponse,
  type NewMessageInput,
  type ReplyInput,
  type SentMessage,
} from "../validation/messages";

/** The newest messages the inbox shows (sent and received together). */
const INBOX_LIMIT = 300;

/** Conversations, latest activity first, and the reader's unread count (over every message, not only these). */
export async function listMyConversations(session: DbSession): Promise<InboxResponse> {
  const [rows, sales, unreadCount] = await Promise.all([
    rpc("list_my_conversation_messages", { p_limit: INBOX_LIMIT }, session),
    rpc("list_my_sales_with_buyers", {}, session),
    rpc("count_my_unread_messages", {}, session),
  ]);
  const byKey = new Map<string, Conversation>();
  // Rows come newest first: the first row of a conversation is its latest.
  for (const row of rows) {
    const productId = row.product_id ?? null;
    const key = `${productId ?? "none"}:${row.other_id}`;
    let conversation = byKey.get(key);
    if (!conversation) {
      const sellerId = row.product_seller_id ?? null;
      conversation = {
        key,
        productId,
        productTitle: row.product_title ?? null,
        readerIsSeller: sellerId !== null && sellerId !== row.other_id,
        otherId: row.other_id,
        otherName: row.other_name,
        messages: [],
        unreadCount: 0,
        lastMessageAt: row.created_at,
        replyToId: null,
        sale: null,
      };
      byKey.set(key, conversation);
    }
    conversation.messages.unshift({
      id: row.id,
      outgoing: row.outgoing,
      body: row.body,
      createdAt: row.created_at,
      readAt: row.read_at ?? null,
    });
    if (!row.outgoing) {
      conversation.replyToId ??= row.id;
      if (!row.read_at) conversation.unreadCount += 1;
    }
  }
  for (const sale of sales) {
    const readerIsBuyer = session.role === "authenticated" && sale.buyer_id === session.userId;
    const conversation = byKey.get(`${sale.product_id}:${readerIsBuyer ? sale.seller_id : sale.buyer_id}`);
    if (!conversation) continue;
    conversation.sale = {
      readerIsBuyer,
      soldAt: sale.sold_at,
      counts: sale.counts,
      buyerResponse: (sale.buyer_response ?? null) as "confirm" | "not_me" | null,
      respondedAt: sale.responded_at ?? null,
      notMeUntil: sale.not_me_until,
      notMeOpen: Date.parse(sale.not_me_until) > Date.now(),
    };
  }
  return inboxResponseSchema.parse({ conversations: [...byKey.values()], unreadCount });
}

export async function countMyUnreadMessages(session: DbSession): Promise<number> {
  return rpc("count_my_unread_messages", {}, session);
}

/** Returns the caller's unread count after marking. */
export async function markMessageRead(messageId: string, session: DbSession): Promise<number> {
  return rpc("mark_message_read", { p_message_id: messageId }, session);
}

export async function replyToMessage(messageId: string, input: ReplyInput, session: DbSession): Promise<string> {
  return rpc("reply_to_message", { p_message_id: messageId, p_body: input.body }, session);
}

/** A signed-in shopper writes to the seller of a product. */
export async function sendProductMessage(
  productId: string,
  input: NewMessageInput,
  session: DbSession,
): Promise<SentMessage> {
  const [row] = await rpc("send_product_message", { p_product_id: productId, p_body: input.body }, session);
  return sentMessageSchema.parse({
    id: row.id,
    productId: row.product_id,
    recipientId: row.recipient_id,
    body: row.body,
    createdAt: row.created_at,
  });
}
