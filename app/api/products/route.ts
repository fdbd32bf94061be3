import { handler } from "@/lib/api/handler";
import { createProduct } from "@/lib/products/server";
import { createProductSchema } from "@/lib/validation/products";

/** POST /api/products: the signed-in seller lists a new product, as a draft or active. */
export const POST = handler(
  { auth: "required", body: createProductSchema, status: 201 },
  async ({ body, session }) => ({
    product: await createProduct(body, session),
  }),
);
