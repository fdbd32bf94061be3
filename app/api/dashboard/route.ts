import { handler } from "@/lib/api/handler";
import { getSellerDashboard } from "@/lib/dashboard/server";

// Exact at commit, per user: never cached by Next.js or a proxy.
export const dynamic = "force-dynamic";

/** GET /api/dashboard: the signed-in seller's figures (get_seller_dashboard), months and best products. */
export const GET = handler({ auth: "required" }, async ({ session }) =>
  Response.json(await getSellerDashboard(session), { headers: { "Cache-Control": "private, no-store" } }),
);
