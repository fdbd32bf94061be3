import Link from "next/link";
import { StatusBadge } from "@/components/products/status-badge";
import type { DashboardTopProduct } from "@/lib/validation/dashboard";
import { formatViews } from "../products/format";
import { formatCount } from "./format";

/** The seller's products with the most counted views this month. */
export function TopProducts({ products }: { products: DashboardTopProduct[] }) {
  if (products.length === 0) {
    return <p className="empty">None of your products has been viewed this month yet.</p>;
  }
  return (
    <ol className="top-products" aria-label="Your most viewed products this month">
      {products.map((product) => (
        <li key={product.id} className="top-product">
          <span className="top-product-title">
            {product.status === "draft" ? product.title : <Link href={`/products/${product.id}`}>{product.title}</Link>}{" "}
            <StatusBadge status={product.status} />
          </span>
          <span className="muted">
            {formatViews(product.viewsMonth)} this month · {formatCount(product.viewsAllTime)} all time
          </span>
        </li>
      ))}
    </ol>
  );
}
