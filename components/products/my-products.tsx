"use client";
import { useState } from "react";
import { ApiError } from "@/lib/api/client";
import { useMyProducts } from "@/lib/swr/use-my-products";
import type { Product } from "@/lib/validation/products";
import { MyProductRow } from "./my-product-row";
import { ProductForm } from "./product-form";

/** Why a change was refused, in words for the seller. */
function failureMessage(action: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : "Something went wrong.";
  return `Could not ${action}. ${reason.charAt(0).toUpperCase()}${reason.slice(1)}${/[.!?]$/.test(reason) ? "" : "."}`;
}

/** My products: the seller's listings with optimistic changes, rolled back with an alert when refused. */
export function MyProducts({ initialProducts }: { initialProducts: Product[] }) {
  const { products, error, createProduct, updateProduct, deleteProduct } = useMyProducts(initialProducts);
  const [alert, setAlert] = useState<string | null>(null);

  async function attempt(action: string, change: () => Promise<void>) {
    setAlert(null);
    try {
      await change();
    } catch (failure) {
      const sold = failure instanceof ApiError && failure.code === "conflict" && action.startsWith("delete");
      setAlert(sold ? `Could not ${action}: it is sold. Mark it as active or move it to draft first.` : failureMessage(action, failure));
    }
  }

  return (
    <div className="my-products">
      <section className="card" aria-labelledby="new-listing">
        <h2 id="new-listing">New listing</h2>
        <ProductForm mode="create" onSubmit={createProduct} />
      </section>

      <section aria-labelledby="your-listings">
        <h2 id="your-listings">Your listings ({products.length})</h2>
        {alert && (
          <p role="alert" className="alert">
            {alert}{" "}
            <button type="button" className="link-button" onClick={() => setAlert(null)}>
              Dismiss
            </button>
          </p>
        )}
        {error && !alert && (
          <p role="alert" className="alert">
            Could not refresh your listings. {error.message}
          </p>
        )}
        {products.length === 0 ? (
          <p className="empty">You have no listings yet. Create one above.</p>
        ) : (
          <ul className="my-product-list" aria-label="Your listings">
            {products.map((product) => (
              <MyProductRow
                key={product.id}
                product={product}
                onUpdate={(patch, action) => attempt(action, () => updateProduct(product.id, patch))}
                onDelete={() => attempt(`delete “${product.title}”`, () => deleteProduct(product.id))}
              />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
