/**
 * Product reads and writes for route handlers and server components, all through the one database
 * seam (rpc). Rows come back in the API's shape (lib/validation/products.ts), so pages and routes
 * show exactly the same thing.
 */
import "server-only";
import { shownAvatarUrl } from "../avatars";
import { rpc, type DbSession, type RpcRow } from "../db";
import { AppError } from "../errors";
import { leaderboardWatcher } from "../leaderboard/watcher";
import {
  buyerCandidateSchema,
  productPageSchema,
  productSchema,
  saleAnswerSchema,
  trendingProductSchema,
  type BuyerCandidate,
  type BuyerResponseInput,
  type CreateProductInput,
  type Product,
  type ProductPage,
  type SaleAnswer,
  type TrendingProduct,
  type UpdateProductInput,
} from "../validation/products";

export const PRODUCTS_PER_PAGE = 24;

type ProductRow = RpcRow<"get_product">;

/**
 * A row in the API's shape, unchecked (the generator types function columns as non-null and status
 * as text; sold_at and avatar_url are nullable in fact): callers parse it, once.
 */
function productFields(row: ProductRow) {
  return {
    id: row.id,
    sellerId: row.seller_id,
    sellerName: row.seller_name,
    sellerAvatarUrl: shownAvatarUrl(row.seller_avatar_url),
    title: row.title,
    description: row.description ?? "",
    price: Number(row.price),
    status: row.status,
    viewCount: row.views ?? 0,
    soldAt: row.sold_at ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A row in the API's shape, checked by the schema. */
function toProduct(row: ProductRow): Product {
  return productSchema.parse(productFields(row));
}

/** A one-row answer from a set-returning function; an empty one means the product is not visible. */
function single(rows: ProductRow[]): Product {
  const row = rows[0];
  if (!row) throw new AppError("not_found", "Product not found.");
  return toProduct(row);
}

/** Active products, newest first, one page (1-based) of PRODUCTS_PER_PAGE. */
export async function listActiveProducts(page: number, session: DbSession): Promise<ProductPage> {
  const rows = await rpc(
    "list_products",
    { p_limit: PRODUCTS_PER_PAGE, p_offset: (page - 1) * PRODUCTS_PER_PAGE },
    session,
  );
  // total_count rides on every row; a page past the end has no rows, hence no total.
  const total = rows[0]?.total_count ?? 0;
  return productPageSchema.parse({
    products: rows.map(productFields), // parsed here, with the page
    page,
    pageCount: Math.max(1, Math.ceil(total / PRODUCTS_PER_PAGE)),
    total,
  });
}

export async function getProduct(productId: string, session: DbSession): Promise<Product> {
  return single(await rpc("get_product", { p_product_id: productId }, session));
}

export async function listMyProducts(session: DbSession): Promise<Product[]> {
  return (await rpc("list_my_products", {}, session)).map(toProduct);
}

export async function createProduct(input: CreateProductInput, session: DbSession): Promise<Product> {
  return single(
    await rpc(
      "create_product",
      { p_title: input.title, p_description: input.description ?? "", p_price: input.price, p_status: input.status },
      session,
    ),
  );
}

/**
 * Fields left out stay as they are (the SQL function treats null as "unchanged"). `buyerId` names who
 * bought it, with `status: "sold"` only; the database decides whether the sale ranks.
 */
export async function updateProduct(
  productId: string,
  patch: UpdateProductInput,
  session: DbSession,
): Promise<Product> {
  const product = single(
    await rpc(
      "update_product",
      {
        p_product_id: productId,
        p_title: patch.title,
        p_description: patch.description,
        p_price: patch.price,
        p_status: patch.status,
        p_buyer_id: patch.buyerId,
      },
      session,
    ),
  );
  // A sale, an undo or a price from or to 0 changes the leaderboard: this process's watcher asks at once.
  if (patch.status !== undefined || patch.price !== undefined) leaderboardWatcher.wake();
  return product;
}

/** Who wrote to the seller about the product (the people "Who bought it?" offers), latest first. */
export async function listBuyerCandidates(productId: string, session: DbSession): Promise<BuyerCandidate[]> {
  const rows = await rpc("list_buyer_candidates", { p_product_id: productId }, session);
  return rows.map((row) =>
    buyerCandidateSchema.parse({
      userId: row.user_id,
      displayName: row.display_name,
      lastMessageAt: row.last_message_at,
    }),
  );
}

/** The named buyer's answer to the sale of a product. */
export async function respondToSale(
  productId: string,
  input: BuyerResponseInput,
  session: DbSession,
): Promise<SaleAnswer> {
  const [row] = await rpc("respond_to_sale", { p_product_id: productId, p_response: input.response }, session);
  return saleAnswerSchema.parse({
    productId: row.product_id,
    buyerResponse: row.buyer_response,
    respondedAt: row.responded_at,
    counts: row.counts,
  });
}

export async function deleteProduct(productId: string, session: DbSession): Promise<string> {
  const deleted = await rpc("delete_product", { p_product_id: productId }, session);
  leaderboardWatcher.wake();
  return deleted;
}

export const TRENDING_DAYS = 7;
const TRENDING_LIMIT = 6;

/** Active products with the most counted views lately (ranked in SQL: get_trending_products). */
export async function listTrendingProducts(session: DbSession): Promise<TrendingProduct[]> {
  const rows = await rpc("get_trending_products", { p_days: TRENDING_DAYS, p_limit: TRENDING_LIMIT }, session);
  return rows.map((row) =>
    trendingProductSchema.parse({
      id: row.id,
      title: row.title,
      price: Number(row.price),
      sellerName: row.seller_name,
      recentViews: row.recent_views,
    }),
  );
}
