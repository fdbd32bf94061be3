import Link from "next/link";
import type { Product } from "@/lib/validation/products";
import { formatPrice, formatViews } from "./format";

export function ProductCard({ product }: { product: Product }) {
  return (
    <li className="card product-card">
      <h2 className="product-card-title">
        <Link href={`/products/${product.id}`}>{product.title}</Link>
      </h2>
      <p className="price">{formatPrice(product.price)}</p>
      <p className="muted">
        <span>by {product.sellerName}</span> · <span>{formatViews(product.viewCount)}</span>
      </p>
    </li>
  );
}
