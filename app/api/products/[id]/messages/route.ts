import { handler } from "@/lib/api/handler";
import { sendProductMessage } from "@/lib/messages/server";
import { newMessageSchema } from "@/lib/validation/messages";
import { productIdParams } from "@/lib/validation/products";

/**
 * POST /api/products/:id/messages { body } -> 201 { message }: a signed-in shopper writes to the product's
 * seller. 400 about your own product, 404 for a product the caller cannot see (a draft), 429 over the
 * hourly message quota (kept in the database, so it holds across server instances).
 */
export const POST = handler(
  { auth: "required", params: productIdParams, body: newMessageSchema, status: 201 },
  async ({ params, body, session }) => ({ message: await sendProductMessage(params.id, body, session) }),
);
