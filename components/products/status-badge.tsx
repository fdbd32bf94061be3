import type { ProductStatus } from "@/lib/validation/products";

const LABELS: Record<ProductStatus, string> = { active: "Active", sold: "Sold", draft: "Draft" };

export function StatusBadge({ status }: { status: ProductStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status]}</span>;
}
