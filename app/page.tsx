import Link from "next/link";
import { Pagination } from "@/components/products/pagination";
import { ProductCard } from "@/components/products/product-card";
import { ANON } from "@/lib/db";
import { listActiveProducts } from "@/lib/products/server";
import { pageFrom } from "@/lib/validation/pagination";


/** Home: active products, newest first, 24 a page. Everyone sees the same list, so it reads as anon. */
export default async function HomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const page = pageFrom((await searchParams).page);
  const { products, pageCount, total } = await listActiveProducts(page, ANON);
  return (
    <>
      <h1>Products for sale</h1>
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
