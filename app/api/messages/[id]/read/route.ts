import { handler } from "@/lib/api/handler";
import { markMessageRead } from "@/lib/messages/server";
import { messageIdParams } from "@/lib/validation/messages";

/** POST /api/messages/:id/read: the recipient marks a message read -> { unreadCount }. */
export const POST = handler({ auth: "required", params: messageIdParams }, async ({ params, session }) => ({
  unreadCount: await markMessageRead(params.id, session),
}));
