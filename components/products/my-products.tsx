"use client";
import { useId, useState } from "react";
import { ApiError } from "@/lib/api/client";
import { useMyProducts } from "@/lib/swr/use-my-products";
import type { Product, ProductStatus } from "@/lib/validation/products";
import { MyProductRow } from "./my-product-row";
import { ProductForm } from "./product-form";

/** Why a change was refused, in words for the seller. */
function failureMessage(action: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : "Something went wrong.";
  return `Could not ${action}. ${reason.charAt(0).toUpperCase()}${reason.slice(1)}${/[.!?]$/.test(reason) ? "" : "."}`;
}

type StatusFilter = "all" | ProductStatus;

const FILTERS: { value: StatusFilter; label: string; empty: string }[] = [
  { value: "all", label: "All", empty: "You have no listings yet." },
  { value: "active", label: "Active", empty: "Nothing is listed for sale right now." },
  { value: "sold", label: "Sold", empty: "Nothing sold yet." },
  { value: "draft", label: "Drafts", empty: "No drafts." },
];

/**
 * My products: the seller's listings with optimistic changes, rolled back with an alert when refused.
 * Listings come first; on narrow screens the new-listing form waits behind a "New listing" button
 * (on wide screens it sits beside the list).
 */
export function MyProducts({ initialProducts }: { initialProducts: Product[] }) {
  const { products, error, createProduct, updateProduct, deleteProduct } = useMyProducts(initialProducts);
  const [alert, setAlert] = useState<string | null>(null);
  const [filter, setFilter] = useState<StatusFilter>("all");
  const [formOpen, setFormOpen] = useState(false);
  const formPanelId = useId();
  const counts = { all: products.length, active: 0, sold: 0, draft: 0 } as Record<StatusFilter, number>;
  for (const product of products) counts[product.status] += 1;
  const shown = filter === "all" ? products : products.filter((product) => product.status === filter);

  async function attempt(action: string, change: () => Promise<void>) {
    setAlert(null);
    try {
      await change();
    } catch (failure) {
      const sold = failure instanceof ApiError && failure.code === "conflict" && action.startsWith("delete");
      setAlert(
        sold
          ? `Could not ${action}: it is sold. Mark it as active or move it to draft first.`
          : failureMessage(action, failure),
      );
    }
  }

  return (
    <div className="my-products">
      <div className="new-listing-toggle">
        <button
          type="button"
          aria-expanded={formOpen}
          aria-controls={formPanelId}
          onClick={() => setFormOpen((open) => !open)}
        >
          {formOpen ? "Close the form" : "New listing"}
        </button>
      </div>
      <section
        id={formPanelId}
        className={`card new-listing${formOpen ? "" : " is-collapsed"}`}
        aria-labelledby="new-listing"
      >
        <h2 id="new-listing">New listing</h2>
        <ProductForm mode="create" onSubmit={createProduct} />
      </section>

      <section className="your-listings" aria-labelledby="your-listings">
        <h2 id="your-listings">Your listings ({products.length})</h2>
        <div className="status-filter" role="group" aria-label="Show listings">
          {FILTERS.map(({ value, label }) => (
            <button
              key={value}
              type="button"
              className={filter === value ? undefined : "secondary"}
              aria-pressed={filter === value}
              onClick={() => setFilter(value)}
            >
              {label} ({counts[value]})
            </button>
          ))}
        </div>
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
        {shown.length === 0 ? (
          <p className="empty">{FILTERS.find(({ value }) => value === filter)?.empty}</p>
        ) : (
          <ul className="my-product-list" aria-label="Your listings">
            {shown.map((product) => (
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
