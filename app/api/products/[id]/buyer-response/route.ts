import { handler } from "@/lib/api/handler";
import { respondToSale } from "@/lib/products/server";
import { buyerResponseSchema, productIdParams } from "@/lib/validation/products";

/**
 * POST /api/products/:id/buyer-response { response: "confirm" | "not_me" } -> { sale }: the named buyer's
 * answer, once. 404 for anyone but the named buyer; 409 for "Not me" more than 14 days after the sale, or
 * a different answer after the first.
 */
export const POST = handler(
  { auth: "required", params: productIdParams, body: buyerResponseSchema },
  async ({ params, body, session }) => ({ sale: await respondToSale(params.id, body, session) }),
);
