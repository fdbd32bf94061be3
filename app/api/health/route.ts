import { handler } from "@/lib/api/handler";

// A liveness probe for deployers and load balancers (and the bench's "framework limit" baseline): it
// answers without touching the database, so it says the server is up, not that the data is reachable.
export const dynamic = "force-dynamic";

export const GET = handler({}, async () => Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } }));
