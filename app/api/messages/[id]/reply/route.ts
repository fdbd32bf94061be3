import { handler } from "@/lib/api/handler";
import { replyToMessage } from "@/lib/messages/server";
import { messageIdParams, replySchema } from "@/lib/validation/messages";

/** POST /api/messages/:id/reply { body }: the recipient answers the sender, about the same product. */
export const POST = handler(
  { auth: "required", params: messageIdParams, body: replySchema, status: 201 },
  async ({ params, body, session }) => ({
    id: await replyToMessage(params.id, body, session),
  }),
);
