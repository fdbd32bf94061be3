"use client";
import Link from "next/link";
import { useState } from "react";
import type { Product, ProductStatus, UpdateProductInput } from "@/lib/validation/products";
import { formatPrice, formatViews } from "./format";
import { ProductForm } from "./product-form";
import { StatusBadge } from "./status-badge";
import { WhoBoughtIt } from "./who-bought-it";

/** The status moves offered from each status, and how an error message names each move. */
const MARK_SOLD = { to: "sold", label: "Mark as sold", action: (title: string) => `mark “${title}” as sold` } as const;
const MARK_ACTIVE = {
  to: "active",
  label: "Mark as active",
  action: (title: string) => `mark “${title}” as active`,
} as const;
const MOVE_TO_DRAFT = {
  to: "draft",
  label: "Move to draft",
  action: (title: string) => `move “${title}” to draft`,
} as const;

const STATUS_ACTIONS: Record<ProductStatus, readonly (typeof MARK_SOLD | typeof MARK_ACTIVE | typeof MOVE_TO_DRAFT)[]> =
  {
    active: [MARK_SOLD, MOVE_TO_DRAFT],
    sold: [MARK_ACTIVE, MOVE_TO_DRAFT],
    draft: [MARK_ACTIVE],
  };

interface MyProductRowProps {
  product: Product;
  onUpdate: (patch: UpdateProductInput, action: string) => Promise<void>;
  onDelete: () => Promise<void>;
}

export function MyProductRow({ product, onUpdate, onDelete }: MyProductRowProps) {
  const [editing, setEditing] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [askingBuyer, setAskingBuyer] = useState(false);
  // Until the server has answered a create, the listing has no id to act on.
  const pending = product.id.startsWith("pending-");
  const titleId = `product-${product.id}-title`;

  return (
    <li className="card my-product" aria-labelledby={titleId} aria-busy={pending || undefined}>
      <div className="my-product-main">
        <h3 id={titleId} className="my-product-title">
          {pending || product.status === "draft" ? (
            product.title
          ) : (
            <Link href={`/products/${product.id}`}>{product.title}</Link>
          )}
        </h3>
        <StatusBadge status={product.status} />
      </div>
      <p className="muted">
        {formatPrice(product.price)} · {formatViews(product.viewCount)}
      </p>

      {editing ? (
        <ProductForm
          mode="edit"
          product={product}
          onCancel={() => setEditing(false)}
          onSubmit={async (patch) => {
            // Close at once (optimistic); a refusal is reported in the list's alert.
            setEditing(false);
            await onUpdate(patch, `save your changes to “${product.title}”`);
          }}
        />
      ) : askingBuyer ? (
        <WhoBoughtIt
          productId={product.id}
          title={product.title}
          onCancel={() => setAskingBuyer(false)}
          onConfirm={(buyerId) => {
            setAskingBuyer(false);
            void onUpdate({ status: "sold", ...(buyerId ? { buyerId } : {}) }, MARK_SOLD.action(product.title));
          }}
        />
      ) : confirmingDelete ? (
        <div className="confirm" role="group" aria-label={`Confirm deleting ${product.title}`}>
          <span>Delete “{product.title}”? This cannot be undone.</span>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setConfirmingDelete(false);
              void onDelete();
            }}
          >
            Yes, delete
          </button>
          <button type="button" className="secondary" onClick={() => setConfirmingDelete(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="row-actions">
          {STATUS_ACTIONS[product.status].map(({ to, label, action }, index) => (
            <button
              key={to}
              type="button"
              className={index === 0 ? undefined : "secondary"}
              disabled={pending}
              onClick={() =>
                to === "sold" ? setAskingBuyer(true) : void onUpdate({ status: to }, action(product.title))
              }
            >
              {label}
            </button>
          ))}
          <button type="button" className="secondary" disabled={pending} onClick={() => setEditing(true)}>
            Edit
          </button>
          {/* The server refuses to delete a sale (409): offer only what works, and say why. */}
          {product.status === "sold" ? (
            <span className="muted row-note">Sold items stay for your records.</span>
          ) : (
            <button type="button" className="danger" disabled={pending} onClick={() => setConfirmingDelete(true)}>
              Delete
            </button>
          )}
        </div>
      )}
    </li>
  );
}
