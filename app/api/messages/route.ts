import { handler } from "@/lib/api/handler";
import { listMyConversations } from "@/lib/messages/server";

export const dynamic = "force-dynamic";

/**
 * GET /api/messages: the signed-in user's conversations (messages sent and received, grouped by product
 * and other person, latest activity first, with the sale between them when it names a buyer) and the
 * unread count.
 */
export const GET = handler({ auth: "required" }, async ({ session }) =>
  Response.json(await listMyConversations(session), { headers: { "Cache-Control": "private, no-store" } }),
);
