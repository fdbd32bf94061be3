/**
 * Messages: the inbox's answer (parsed on the way out) and the reply input, shared by the routes and
 * the client. The database enforces the same body limit with a constraint.
 */
import { z } from "zod";

export const MESSAGE_BODY_MAX = 4000;

const inboxMessageSchema = z.strictObject({
  id: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  productId: z.string().nullable(),
  /** Null when the product is gone or no longer visible to the reader. */
  productTitle: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type InboxMessage = z.infer<typeof inboxMessageSchema>;

export const inboxResponseSchema = z.strictObject({
  messages: z.array(inboxMessageSchema),
  unreadCount: z.number().int().min(0),
});
export type InboxResponse = z.infer<typeof inboxResponseSchema>;

export const messageIdParams = z.object({ id: z.uuid("The message id must be a UUID.") });

export const replySchema = z.strictObject({
  body: z
    .string({ error: "Write a reply." })
    .trim()
    .min(1, "Write a reply.")
    .max(MESSAGE_BODY_MAX, `A reply must be at most ${MESSAGE_BODY_MAX} characters.`),
});
export type ReplyInput = z.infer<typeof replySchema>;
