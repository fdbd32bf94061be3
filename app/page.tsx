import Link from "next/link";
import { Pagination } from "@/components/products/pagination";
import { ProductCard } from "@/components/products/product-card";
import { TrendingProducts } from "@/components/products/trending-products";
import { ANON } from "@/lib/db";
import { listActiveProducts, listTrendingProducts, TRENDING_DAYS } from "@/lib/products/server";
import { pageFrom } from "@/lib/validation/pagination";

/** Home: trending products (first page), then active products, newest first, 24 a page. Everyone sees the same lists, so it reads as anon. */
export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const page = pageFrom((await searchParams).page);
  const [{ products, pageCount, total }, trending] = await Promise.all([
    listActiveProducts(page, ANON),
    page === 1 ? listTrendingProducts(ANON) : Promise.resolve([]),
  ]);
  return (
    <>
      <h1>Products for sale</h1>
      <TrendingProducts products={trending} days={TRENDING_DAYS} />
      {trending.length > 0 && <h2 className="section-title">Newest listings</h2>}
      {products.length === 0 ? (
        <p className="empty">
          {total === 0 && page === 1 ? "Nothing is for sale right now." : "There is nothing on this page."}{" "}
          {page > 1 && <Link href="/">Back to the newest products</Link>}
        </p>
      ) : (
        <>
          <ul className="product-grid" aria-label="Products">
            {products.map((product) => (
              <ProductCard key={product.id} product={product} />
            ))}
          </ul>
          <Pagination page={page} pageCount={pageCount} />
        </>
      )}
    </>
  );
}
