import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ContactSeller } from "@/components/messages/contact-seller";
import { ProductViewCount } from "@/components/products/product-view-count";
import { formatDate, formatPrice } from "@/components/products/format";
import { StatusBadge } from "@/components/products/status-badge";
import { currentSession } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { getProduct } from "@/lib/products/server";
import { productIdParams, type Product } from "@/lib/validation/products";

/** The product the caller may see, or null (not a UUID, missing, or someone else's draft). */
const loadProduct = cache(async (id: string): Promise<Product | null> => {
  if (!productIdParams.safeParse({ id }).success) return null;
  try {
    return await getProduct(id, await currentSession());
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
});

type PageProps = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const product = await loadProduct((await params).id);
  return { title: product?.title ?? "Product not found" };
}

export default async function ProductPage({ params }: PageProps) {
  const product = await loadProduct((await params).id);
  if (!product) notFound();
  const session = await currentSession();
  const viewer =
    session.role !== "authenticated" ? "signed-out" : session.userId === product.sellerId ? "seller" : "shopper";
  return (
    <article className="product">
      <header className="product-header">
        <h1>{product.title}</h1>
        <StatusBadge status={product.status} />
      </header>
      <p className="price price-large">{formatPrice(product.price)}</p>
      <p className="muted">
        Sold by <strong>{product.sellerName}</strong> ·{" "}
        <ProductViewCount productId={product.id} initialCount={product.viewCount} />
        {product.soldAt && <> · Sold on {formatDate(product.soldAt)}</>}
      </p>
      <div className="description">{product.description || <span className="muted">No description.</span>}</div>
      {product.status !== "draft" && (
        <ContactSeller productId={product.id} sellerName={product.sellerName} viewer={viewer} />
      )}
    </article>
  );
}
