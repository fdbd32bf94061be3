import { handler } from "@/lib/api/handler";
import { listBuyerCandidates } from "@/lib/products/server";
import { productIdParams } from "@/lib/validation/products";

export const dynamic = "force-dynamic";

/** GET /api/products/:id/buyer-candidates -> { candidates }: who wrote to the seller about it (owner only). */
export const GET = handler({ auth: "required", params: productIdParams }, async ({ params, session }) =>
  Response.json(
    { candidates: await listBuyerCandidates(params.id, session) },
    { headers: { "Cache-Control": "private, no-store" } },
  ),
);
