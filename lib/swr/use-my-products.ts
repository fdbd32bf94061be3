"use client";
/**
 * The signed-in seller's products (GET /api/my-products) and the changes they make to them. Every
 * change is optimistic: the list shows the result at once, the server answer replaces it, and a
 * refusal rolls the list back (SWR's rollbackOnError) and rethrows so the caller can say why.
 */
import "client-only";
import useSWR from "swr";
import { apiFetch, swrFetcher } from "../api/client";
import type { CreateProductInput, Product, UpdateProductInput } from "../validation/products";

export const MY_PRODUCTS_KEY = "/api/my-products";

interface MyProductsResponse {
  products: Product[];
}

export function useMyProducts(fallbackProducts?: Product[]) {
  const { data, error, isLoading, mutate } = useSWR<MyProductsResponse>(MY_PRODUCTS_KEY, swrFetcher, {
    fallbackData: fallbackProducts ? { products: fallbackProducts } : undefined,
  });
  const products = data?.products ?? [];

  /**
   * Runs one server change: `optimistic` shows its expected result at once; when the server answers,
   * `settle` folds the answer into the list as it is then (other changes may have landed meanwhile).
   */
  async function change<Result>(
    request: Promise<Result>,
    optimistic: (current: Product[]) => Product[],
    settle: (current: Product[], result: Result) => Product[],
  ): Promise<void> {
    // Until SWR's first fetch lands, its cache is empty (fallbackData is never cached): start from what
    // the screen shows, or a change made right after the page loads would empty the list.
    const shown = (current: MyProductsResponse | undefined) => current?.products ?? products;
    // SWR types the promise as the cached data, but populateCache receives whatever it resolves to.
    await mutate<Result>(request as unknown as Promise<MyProductsResponse>, {
      optimisticData: (current) => ({ products: optimistic(shown(current)) }),
      populateCache: (result, current) => ({ products: settle(shown(current), result) }),
      rollbackOnError: true,
      revalidate: false,
    });
  }

  return {
    products,
    error: error as Error | undefined,
    isLoading,

    createProduct: (input: CreateProductInput) => {
      const pending = pendingProduct(input);
      return change(
        apiFetch<{ product: Product }>("/api/products", { method: "POST", body: input }),
        (current) => [pending, ...current],
        (current, { product }) => [product, ...current.filter((p) => p.id !== pending.id && p.id !== product.id)],
      );
    },

    updateProduct: (id: string, patch: UpdateProductInput) =>
      change(
        apiFetch<{ product: Product }>(`/api/products/${id}`, { method: "PUT", body: patch }),
        (current) => current.map((p) => (p.id === id ? applyPatch(p, patch) : p)),
        (current, { product }) => current.map((p) => (p.id === product.id ? product : p)),
      ),

    deleteProduct: (id: string) =>
      change(
        apiFetch<{ deleted: string }>(`/api/products/${id}`, { method: "DELETE" }),
        (current) => current.filter((p) => p.id !== id),
        (current) => current.filter((p) => p.id !== id),
      ),
  };
}

/** What the list shows while the server has not answered yet (sold_at follows status, as in SQL). */
function applyPatch(product: Product, patch: UpdateProductInput): Product {
  const status = patch.status ?? product.status;
  const soldAt = status === "sold" ? (product.soldAt ?? new Date().toISOString()) : null;
  return { ...product, ...stripUndefined(patch), status, soldAt };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function pendingProduct(input: CreateProductInput): Product {
  const now = new Date().toISOString();
  return {
    id: `pending-${crypto.randomUUID()}`,
    sellerId: "",
    sellerName: "",
    sellerAvatarUrl: null,
    title: input.title,
    description: input.description ?? "",
    price: input.price,
    status: input.status,
    viewCount: 0,
    soldAt: null,
    createdAt: now,
    updatedAt: now,
  };
}
