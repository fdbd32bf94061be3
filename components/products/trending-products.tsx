import Link from "next/link";
import type { TrendingProduct } from "@/lib/validation/products";
import { formatPrice } from "./format";

/** The home page's "Trending" strip: products, not sellers (the seller leaderboard is separate). */
export function TrendingProducts({ products, days }: { products: TrendingProduct[]; days: number }) {
  if (products.length === 0) return null;
  return (
    <section className="trending" aria-labelledby="trending-title">
      <h2 id="trending-title">
        Trending <span className="muted trending-window">· most viewed in the last {days} days</span>
      </h2>
      <ol className="trending-list" aria-label="Trending products">
        {products.map((product, index) => (
          <li key={product.id} className="card trending-item">
            <span className="trending-rank" aria-hidden="true">
              {index + 1}
            </span>
            <span className="trending-text">
              <Link href={`/products/${product.id}`} className="trending-title">
                {product.title}
              </Link>
              <span className="muted">
                {formatPrice(product.price)} · by {product.sellerName} · {product.recentViews.toLocaleString("en-US")}{" "}
                recent {product.recentViews === 1 ? "view" : "views"}
              </span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
