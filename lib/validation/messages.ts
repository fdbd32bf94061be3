/**
 * Messages: the inbox's answer (conversations, parsed on the way out), and what the routes accept (a new
 * message to a seller, a reply), shared by the routes and the client. The database enforces the same body
 * limit with a constraint. Bodies are plain text: the UI shows them as typed, never as HTML.
 */
import { z } from "zod";

export const MESSAGE_BODY_MAX = 4000;

const conversationMessageSchema = z.strictObject({
  id: z.string(),
  /** True for a message the reader sent. */
  outgoing: z.boolean(),
  body: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type ConversationMessage = z.infer<typeof conversationMessageSchema>;

/** The sale of the conversation's product between its two people, when one names a buyer. */
const conversationSaleSchema = z.strictObject({
  /** True when the reader is the named buyer (they may answer), false when they are the seller. */
  readerIsBuyer: z.boolean(),
  soldAt: z.string(),
  /** Whether the sale counts on the boards now. */
  counts: z.boolean(),
  buyerResponse: z.enum(["confirm", "not_me"]).nullable(),
  respondedAt: z.string().nullable(),
  /** "Not me" is accepted until then (14 days after the sale)... */
  notMeUntil: z.string(),
  /** ...and so still now, when the inbox was read. */
  notMeOpen: z.boolean(),
});
export type ConversationSale = z.infer<typeof conversationSaleSchema>;

/** Everything between the reader and one other person about one product (or about no product). */
const conversationSchema = z.strictObject({
  key: z.string(),
  productId: z.string().nullable(),
  /** Null when the product is gone or no longer visible to the reader. */
  productTitle: z.string().nullable(),
  /** True when the reader sells the product (the other person is asking). */
  readerIsSeller: z.boolean(),
  otherId: z.string(),
  otherName: z.string(),
  /** Oldest first. */
  messages: z.array(conversationMessageSchema),
  unreadCount: z.number().int().min(0),
  lastMessageAt: z.string(),
  /** The message a reply answers (the latest one received), or null when the other person has not written. */
  replyToId: z.string().nullable(),
  sale: conversationSaleSchema.nullable(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const inboxResponseSchema = z.strictObject({
  /** Latest activity first. */
  conversations: z.array(conversationSchema),
  unreadCount: z.number().int().min(0),
});
export type InboxResponse = z.infer<typeof inboxResponseSchema>;

export const unreadCountResponseSchema = z.strictObject({ unreadCount: z.number().int().min(0) });

export const messageIdParams = z.object({ id: z.uuid("The message id must be a UUID.") });

/** PostgreSQL text cannot hold a NUL byte: refuse it up front. */
const NO_NUL = /^[^\u0000]*$/;

const messageBody = (empty: string) =>
  z
    .string({ error: empty })
    .regex(NO_NUL, "The message contains a character that cannot be stored.")
    .trim()
    .min(1, empty)
    .max(MESSAGE_BODY_MAX, `A message must be at most ${MESSAGE_BODY_MAX} characters.`);

export const replySchema = z.strictObject({ body: messageBody("Write a reply.") });
export type ReplyInput = z.infer<typeof replySchema>;

export const newMessageSchema = z.strictObject({ body: messageBody("Write a message.") });
export type NewMessageInput = z.infer<typeof newMessageSchema>;

/** A message as POST /api/products/:id/messages answers it. */
export const sentMessageSchema = z.strictObject({
  id: z.string(),
  productId: z.string(),
  recipientId: z.string(),
  body: z.string(),
  createdAt: z.string(),
});
export type SentMessage = z.infer<typeof sentMessageSchema>;
