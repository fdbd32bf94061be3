import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { MyProducts } from "@/components/products/my-products";
import { currentSession } from "@/lib/auth/session";
import { listMyProducts } from "@/lib/products/server";

export const metadata: Metadata = { title: "My products" };

/** The seller's listings, rendered on the server first; the client list takes over for changes. */
export default async function MyProductsPage() {
  const session = await currentSession();
  if (session.role !== "authenticated") redirect("/sign-in?next=/my-products");
  const products = await listMyProducts(session);
  return (
    <>
      <h1>My products</h1>
      <MyProducts initialProducts={products} />
    </>
  );
}
