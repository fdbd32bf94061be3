import { handler } from "@/lib/api/handler";
import { listMyProducts } from "@/lib/products/server";

/** GET /api/my-products: the signed-in seller's products, every status, newest first. */
export const GET = handler({ auth: "required" }, async ({ session }) => ({ products: await listMyProducts(session) }));
