import { handler } from "@/lib/api/handler";
import { listMyMessages } from "@/lib/messages/server";

export const dynamic = "force-dynamic";

/** GET /api/messages: the signed-in user's received messages, newest first, and the unread count. */
export const GET = handler({ auth: "required" }, async ({ session }) =>
  Response.json(await listMyMessages(session), { headers: { "Cache-Control": "private, no-store" } }),
);
