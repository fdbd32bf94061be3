/**
 * Products: the input rules, shared by the route handlers (the authority) and the client forms (early,
 * friendly messages), and what the API answers (parsed on the way out by lib/products/server.ts).
 * The database enforces the same limits with constraints.
 */
import { z } from "zod";

export const PRODUCT_STATUSES = ["active", "sold", "draft"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** A new listing starts as a draft or goes live at once; it is never created sold. */
export const NEW_PRODUCT_STATUSES = ["draft", "active"] as const;

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const PRICE_MAX = 9_999_999_999.99;

/** The product as the API sends it (camelCase; money as a number of the currency's units). */
export const productSchema = z.strictObject({
  id: z.string(),
  sellerId: z.string(),
  sellerName: z.string(),
  sellerAvatarUrl: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  price: z.number(),
  status: z.enum(PRODUCT_STATUSES),
  viewCount: z.number().int().min(0),
  soldAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Product = z.infer<typeof productSchema>;

/** One page of the home page's list. */
export const productPageSchema = z.strictObject({
  products: z.array(productSchema),
  page: z.number().int().min(1),
  pageCount: z.number().int().min(1),
  total: z.number().int().min(0),
});
export type ProductPage = z.infer<typeof productPageSchema>;

/** A product of the home page's "Trending" strip. */
export const trendingProductSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  price: z.number(),
  sellerName: z.string(),
  /** Counted views in the window (the last TRENDING_DAYS days). */
  recentViews: z.number().int().min(0),
});
export type TrendingProduct = z.infer<typeof trendingProductSchema>;

/** PostgreSQL text cannot hold a NUL byte (the driver's protocol breaks on it): refuse it up front. */
const NO_NUL = /^[^\u0000]*$/;

export const productTitle = z
  .string({ error: "Title is required." })
  .regex(NO_NUL, "Title contains a character that cannot be stored.")
  .trim()
  .min(1, "Title is required.")
  .max(TITLE_MAX, `Title must be at most ${TITLE_MAX} characters.`);

export const productDescription = z
  .string({ error: "Description must be text." })
  .regex(NO_NUL, "Description contains a character that cannot be stored.")
  .max(DESCRIPTION_MAX, `Description must be at most ${DESCRIPTION_MAX} characters.`);

/** Cents must be whole: compare in integer cents with a tolerance for binary floating point. */
function hasAtMostTwoDecimals(value: number): boolean {
  const cents = value * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-6;
}

export const productPrice = z
  .number({ error: "Price must be a number." })
  .min(0, "Price must be zero or more.")
  .max(PRICE_MAX, "Price is too large.")
  .refine(hasAtMostTwoDecimals, "Price can have at most 2 decimals.");

export const productStatus = z.enum(PRODUCT_STATUSES, { error: "Status must be active, sold or draft." });

export const createProductSchema = z.strictObject({
  title: productTitle,
  description: productDescription.optional(),
  price: productPrice,
  status: z.enum(NEW_PRODUCT_STATUSES, { error: "A new listing is a draft or active." }),
});
export type CreateProductInput = z.infer<typeof createProductSchema>;

export const updateProductSchema = z
  .strictObject({
    title: productTitle.optional(),
    description: productDescription.optional(),
    price: productPrice.optional(),
    status: productStatus.optional(),
    /** Who bought it, named with the sale itself (someone who wrote about the product); absent: sold elsewhere. */
    buyerId: z.uuid("buyerId must be a UUID.").optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: "Send at least one of title, description, price or status.",
  })
  .refine((patch) => patch.buyerId === undefined || patch.status === "sold", {
    message: "A buyer can only be named with status sold.",
    path: ["buyerId"],
  });
export type UpdateProductInput = z.infer<typeof updateProductSchema>;

/** The one UUID check (ids in paths, the viewer_session cookie). */
export const uuidSchema = z.uuid();

export const productIdParams = z.object({ id: z.uuid("The product id must be a UUID.") });

/** Someone who wrote to the seller about a product: who can be named as its buyer. */
export const buyerCandidateSchema = z.strictObject({
  userId: z.string(),
  displayName: z.string(),
  lastMessageAt: z.string(),
});
export type BuyerCandidate = z.infer<typeof buyerCandidateSchema>;

export const buyerResponseSchema = z.strictObject({
  response: z.enum(["confirm", "not_me"], { error: "The answer is confirm or not_me." }),
});
export type BuyerResponseInput = z.infer<typeof buyerResponseSchema>;

/** The buyer's answer as stored: whether the sale counts on the boards afterwards. */
export const saleAnswerSchema = z.strictObject({
  productId: z.string(),
  buyerResponse: z.enum(["confirm", "not_me"]),
  respondedAt: z.string(),
  counts: z.boolean(),
});
export type SaleAnswer = z.infer<typeof saleAnswerSchema>;

/**
 * The create/edit forms hold the price as typed text; this turns it into the number the API takes
 * (an empty field becomes NaN, which the schema reports as "Price must be a number.").
 */
export function parsePriceInput(text: string): number {
  const trimmed = text.trim().replace(",", ".");
  return trimmed === "" ? Number.NaN : Number(trimmed);
}

/** The first message per field, for showing next to form inputs. */
export function fieldErrors(error: z.ZodError): Partial<Record<string, string>> {
  const messages: Partial<Record<string, string>> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    messages[field] ??= issue.message;
  }
  return messages;
}
