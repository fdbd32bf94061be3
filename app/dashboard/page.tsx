import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SellerDashboard } from "@/components/dashboard/seller-dashboard";
import { currentSession } from "@/lib/auth/session";
import { getSellerDashboard } from "@/lib/dashboard/server";

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

/** The signed-in seller's dashboard, rendered on the server first; SWR keeps it fresh. */
export default async function DashboardPage() {
  const session = await currentSession();
  if (session.role !== "authenticated") redirect("/sign-in?next=/dashboard");
  const dashboard = await getSellerDashboard(session);
  return (
    <>
      <h1>Dashboard</h1>
      <SellerDashboard initialDashboard={dashboard} />
    </>
  );
}
