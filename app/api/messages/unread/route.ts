import { handler } from "@/lib/api/handler";
import { countMyUnreadMessages } from "@/lib/messages/server";

export const dynamic = "force-dynamic";

/** GET /api/messages/unread -> { unreadCount }: the header's figure. */
export const GET = handler({ auth: "required" }, async ({ session }) =>
  Response.json(
    { unreadCount: await countMyUnreadMessages(session) },
    { headers: { "Cache-Control": "private, no-store" } },
  ),
);
