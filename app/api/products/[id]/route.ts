import { handler } from "@/lib/api/handler";
import { deleteProduct, getProduct, updateProduct } from "@/lib/products/server";
import { productIdParams, updateProductSchema } from "@/lib/validation/products";

/** GET /api/products/:id: a product the caller may see (listed, or their own draft); 404 otherwise. */
export const GET = handler({ params: productIdParams }, async ({ params, session }) => ({
  product: await getProduct(params.id, session),
}));

/**
 * PUT /api/products/:id: the owner edits title, description, price and/or status. sold_at follows the
 * status in the database. 404 when the caller may not see the product, 403 when it is not theirs.
 */
export const PUT = handler(
  { auth: "required", params: productIdParams, body: updateProductSchema },
  async ({ params, body, session }) => ({ product: await updateProduct(params.id, body, session) }),
);

/** DELETE /api/products/:id: the owner deletes a product that is not sold (409 when it is). */
export const DELETE = handler({ auth: "required", params: productIdParams }, async ({ params, session }) => ({
  deleted: await deleteProduct(params.id, session),
}));
