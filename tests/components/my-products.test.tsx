/** My products through the seller's eyes: optimistic changes, rollback with an alert, the create form. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { MyProducts } from "../../components/products/my-products";
import type { Product } from "../../lib/validation/products";
import { apiError, hold, stubApi } from "../helpers/api-stub";
import { renderWithProviders, screen, waitFor, within } from "../helpers/render";

function product(overrides: Partial<Product>): Product {
  return {
    id: crypto.randomUUID(),
    sellerId: "seller-1",
    sellerName: "Ada",
    sellerAvatarUrl: null,
    title: "Lamp",
    description: "",
    price: 25,
    status: "active",
    viewCount: 3,
    soldAt: null,
    createdAt: "2026-06-01T10:00:00Z",
    updatedAt: "2026-06-01T10:00:00Z",
    ...overrides,
  };
}

const lamp = product({ title: "Brass lamp" });
const chair = product({ title: "Oak chair", status: "sold", soldAt: "2026-06-02T10:00:00Z" });

afterEach(() => vi.unstubAllGlobals());

const row = (title: string) => screen.getByRole("listitem", { name: title });

const BEN = "00000000-0000-4000-8000-0000000000b1";
/** Who wrote to the seller about the lamp: the people "Who bought it?" offers. */
const candidates = {
  [`GET /api/products/${lamp.id}/buyer-candidates`]: {
    json: { candidates: [{ userId: BEN, displayName: "Ben Shopper", lastMessageAt: "2026-06-02T09:00:00Z" }] },
  },
};

type User = ReturnType<typeof renderWithProviders>["user"];
/** "Mark as sold", then "Who bought it?": a person who wrote, or Sold elsewhere. */
async function markSold(user: User, title: string, buyer: string) {
  await user.click(within(row(title)).getByRole("button", { name: "Mark as sold" }));
  const step = screen.getByRole("form", { name: `Who bought ${title}?` });
  await user.click(await within(step).findByRole("radio", { name: new RegExp(buyer) }));
  await user.click(within(step).getByRole("button", { name: "Mark as sold" }));
}

describe("My products", () => {
  it("lists the seller's products with their status", () => {
    stubApi({ "GET /api/my-products": { json: { products: [lamp, chair] } } });
    renderWithProviders(<MyProducts initialProducts={[lamp, chair]} />);
    expect(within(row("Brass lamp")).getByText("Active")).toBeInTheDocument();
    expect(within(row("Oak chair")).getByText("Sold")).toBeInTheDocument();
    expect(within(row("Oak chair")).getByRole("button", { name: "Mark as active" })).toBeInTheDocument();
  });

  it("shows a status change at once, before the server answers, and keeps the server's answer", async () => {
    const answer = hold({ json: { product: { ...lamp, status: "sold", soldAt: "2026-06-03T10:00:00Z" } } });
    const api = stubApi({
      "GET /api/my-products": { json: { products: [lamp] } },
      ...candidates,
      [`PUT /api/products/${lamp.id}`]: answer.reply,
    });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp]} />);

    await markSold(user, "Brass lamp", "Ben Shopper");
    expect(within(row("Brass lamp")).getByText("Sold")).toBeInTheDocument(); // optimistic
    expect(api.requests).toContainEqual({
      method: "PUT",
      path: `/api/products/${lamp.id}`,
      body: { status: "sold", buyerId: BEN },
    });

    answer.release();
    await waitFor(() =>
      expect(within(row("Brass lamp")).getByRole("button", { name: "Mark as active" })).toBeEnabled(),
    );
    expect(within(row("Brass lamp")).getByText("Sold")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("keeps the list when a change is made before the first refresh has answered", async () => {
    const slowList = hold({ json: { products: [lamp, chair] } });
    stubApi({
      "GET /api/my-products": slowList.reply,
      ...candidates,
      [`PUT /api/products/${lamp.id}`]: {
        json: { product: { ...lamp, status: "sold", soldAt: "2026-06-03T10:00:00Z" } },
      },
    });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp, chair]} />);

    await markSold(user, "Brass lamp", "Sold elsewhere");
    expect(within(row("Brass lamp")).getByText("Sold")).toBeInTheDocument();
    expect(row("Oak chair")).toBeInTheDocument();
    await waitFor(() =>
      expect(within(row("Brass lamp")).getByRole("button", { name: "Mark as active" })).toBeEnabled(),
    );
    expect(screen.getByRole("heading", { name: "Your listings (2)" })).toBeInTheDocument();
    slowList.release();
  });

  it("rolls the change back and says why when the server refuses", async () => {
    const refusal = hold(apiError(403, "forbidden", "only the seller can edit this product"));
    stubApi({
      "GET /api/my-products": { json: { products: [lamp] } },
      ...candidates,
      [`PUT /api/products/${lamp.id}`]: refusal.reply,
    });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp]} />);

    await markSold(user, "Brass lamp", "Ben Shopper");
    expect(within(row("Brass lamp")).getByText("Sold")).toBeInTheDocument();
    refusal.release();

    expect(await screen.findByRole("alert")).toHaveTextContent(
      /Could not mark “Brass lamp” as sold\. Only the seller can edit this product\./,
    );
    expect(within(row("Brass lamp")).getByText("Active")).toBeInTheDocument();
    expect(within(row("Brass lamp")).getByRole("button", { name: "Mark as sold" })).toBeInTheDocument();
  });

  it("asks who bought it among the people who wrote, and can be cancelled", async () => {
    const api = stubApi({ "GET /api/my-products": { json: { products: [lamp] } }, ...candidates });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp]} />);
    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Mark as sold" }));
    const step = screen.getByRole("form", { name: "Who bought Brass lamp?" });
    const choices = await within(step).findAllByRole("radio");
    expect(choices.map((choice) => choice.closest("label")?.textContent)).toEqual([
      expect.stringContaining("Ben Shopper"),
      "Sold elsewhere",
    ]);
    expect(within(step).getByRole("radio", { name: /Ben Shopper/ })).toBeChecked();
    await user.click(within(step).getByRole("button", { name: "Cancel" }));
    expect(within(row("Brass lamp")).getByText("Active")).toBeInTheDocument();
    expect(api.requests.filter((r) => r.method === "PUT")).toEqual([]);
  });

  it("offers no Delete for a sold product, and says why", () => {
    stubApi({ "GET /api/my-products": { json: { products: [lamp, chair] } } });
    renderWithProviders(<MyProducts initialProducts={[lamp, chair]} />);
    expect(within(row("Oak chair")).queryByRole("button", { name: "Delete" })).not.toBeInTheDocument();
    expect(within(row("Oak chair")).getByText("Sold items stay for your records.")).toBeInTheDocument();
    expect(within(row("Brass lamp")).getByRole("button", { name: "Delete" })).toBeInTheDocument();
  });

  it("still puts a product back when a delete is refused (409: sold meanwhile elsewhere)", async () => {
    stubApi({
      "GET /api/my-products": { json: { products: [lamp] } },
      [`DELETE /api/products/${lamp.id}`]: apiError(409, "conflict", "a sold product cannot be deleted"),
    });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp]} />);
    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Delete" }));
    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Yes, delete" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not delete “Brass lamp”: it is sold.");
    expect(row("Brass lamp")).toBeInTheDocument();
  });

  it("filters by status, with a count on each filter", async () => {
    const draft = product({ title: "Desk draft", status: "draft" });
    stubApi({ "GET /api/my-products": { json: { products: [lamp, chair, draft] } } });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp, chair, draft]} />);
    const filters = screen.getByRole("group", { name: "Show listings" });
    expect(
      within(filters)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["All (3)", "Active (1)", "Sold (1)", "Drafts (1)"]);
    expect(within(filters).getByRole("button", { name: "All (3)" })).toHaveAttribute("aria-pressed", "true");

    await user.click(within(filters).getByRole("button", { name: "Sold (1)" }));
    expect(within(screen.getByRole("list", { name: "Your listings" })).getAllByRole("listitem")).toHaveLength(1);
    expect(row("Oak chair")).toBeInTheDocument();
    expect(screen.queryByRole("listitem", { name: "Brass lamp" })).not.toBeInTheDocument();

    await user.click(within(filters).getByRole("button", { name: "Drafts (1)" }));
    expect(row("Desk draft")).toBeInTheDocument();
    await user.click(within(filters).getByRole("button", { name: "Active (1)" }));
    expect(row("Brass lamp")).toBeInTheDocument();
  });

  it("puts the listings first, with the new-listing form behind a New listing button", async () => {
    stubApi({ "GET /api/my-products": { json: { products: [lamp] } } });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp]} />);
    const toggle = screen.getByRole("button", { name: "New listing" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    const form = screen.getByRole("form", { name: "New listing" });
    expect(form.closest("section")).toHaveClass("is-collapsed");
    await user.click(toggle);
    expect(screen.getByRole("button", { name: "Close the form" })).toHaveAttribute("aria-expanded", "true");
    expect(form.closest("section")).not.toHaveClass("is-collapsed");
    expect(toggle.getAttribute("aria-controls")).toBe(form.closest("section")?.id);
  });

  it("deletes after confirmation, and not before", async () => {
    const api = stubApi({
      "GET /api/my-products": { json: { products: [lamp] } },
      [`DELETE /api/products/${lamp.id}`]: { json: { deleted: lamp.id } },
    });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp]} />);
    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Delete" }));
    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Cancel" }));
    expect(api.requests.some((request) => request.method === "DELETE")).toBe(false);

    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Delete" }));
    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Yes, delete" }));
    await waitFor(() => expect(screen.queryByRole("listitem", { name: "Brass lamp" })).not.toBeInTheDocument());
    expect(screen.getByText("You have no listings yet.")).toBeInTheDocument();
  });

  it("edits title and price in place", async () => {
    const api = stubApi({
      "GET /api/my-products": { json: { products: [lamp] } },
      [`PUT /api/products/${lamp.id}`]: { json: { product: { ...lamp, title: "Brass desk lamp", price: 30 } } },
    });
    const { user } = renderWithProviders(<MyProducts initialProducts={[lamp]} />);
    await user.click(within(row("Brass lamp")).getByRole("button", { name: "Edit" }));
    const form = screen.getByRole("form", { name: "Edit Brass lamp" });
    await user.clear(within(form).getByLabelText("Title"));
    await user.type(within(form).getByLabelText("Title"), "Brass desk lamp");
    await user.clear(within(form).getByLabelText("Price (USD)"));
    await user.type(within(form).getByLabelText("Price (USD)"), "30");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));

    expect(await screen.findByRole("listitem", { name: "Brass desk lamp" })).toHaveTextContent("$30.00");
    expect(api.requests.find((request) => request.method === "PUT")?.body).toEqual({
      title: "Brass desk lamp",
      description: "",
      price: 30,
    });
  });
});

describe("the create form", () => {
  it("explains what is wrong next to each field and sends nothing", async () => {
    const api = stubApi({ "GET /api/my-products": { json: { products: [] } } });
    const { user } = renderWithProviders(<MyProducts initialProducts={[]} />);
    const form = screen.getByRole("form", { name: "New listing" });

    await user.click(within(form).getByRole("button", { name: "Create listing" }));
    expect(within(form).getByLabelText("Title")).toHaveAccessibleDescription("Title is required.");
    expect(within(form).getByLabelText("Price (USD)")).toHaveAccessibleDescription("Price must be a number.");

    await user.type(within(form).getByLabelText("Title"), "Desk");
    await user.type(within(form).getByLabelText("Price (USD)"), "-5");
    await user.click(within(form).getByRole("button", { name: "Create listing" }));
    expect(within(form).getByLabelText("Title")).not.toHaveAccessibleDescription();
    expect(within(form).getByLabelText("Price (USD)")).toHaveAccessibleDescription("Price must be zero or more.");

    await user.clear(within(form).getByLabelText("Price (USD)"));
    await user.type(within(form).getByLabelText("Price (USD)"), "1.999");
    await user.click(within(form).getByRole("button", { name: "Create listing" }));
    expect(within(form).getByLabelText("Price (USD)")).toHaveAccessibleDescription(
      "Price can have at most 2 decimals.",
    );

    expect(api.requests.filter((request) => request.method === "POST")).toEqual([]);
  });

  it("creates an active listing, shown in the list at once", async () => {
    const created = product({ title: "Desk", price: 80, status: "active" });
    const answer = hold({ status: 201, json: { product: created } });
    const api = stubApi({ "GET /api/my-products": { json: { products: [] } }, "POST /api/products": answer.reply });
    const { user } = renderWithProviders(<MyProducts initialProducts={[]} />);
    const form = screen.getByRole("form", { name: "New listing" });

    await user.type(within(form).getByLabelText("Title"), "Desk");
    await user.type(within(form).getByLabelText("Price (USD)"), "80");
    await user.click(within(form).getByLabelText("Active (listed for sale)"));
    await user.click(within(form).getByRole("button", { name: "Create listing" }));

    expect(screen.getByRole("listitem", { name: "Desk" })).toHaveAttribute("aria-busy", "true");
    answer.release();
    await waitFor(() => expect(screen.getByRole("listitem", { name: "Desk" })).not.toHaveAttribute("aria-busy"));
    expect(api.requests.find((request) => request.method === "POST")?.body).toEqual({
      title: "Desk",
      description: "",
      price: 80,
      status: "active",
    });
    // The form clears once the create has resolved, which can be a tick after the list shows the answer.
    await waitFor(() => expect(within(form).getByLabelText("Title")).toHaveValue(""));
  });

  it("keeps the input and shows the server's refusal", async () => {
    stubApi({
      "GET /api/my-products": { json: { products: [] } },
      "POST /api/products": apiError(401, "unauthorized", "Sign in to do this."),
    });
    const { user } = renderWithProviders(<MyProducts initialProducts={[]} />);
    const form = screen.getByRole("form", { name: "New listing" });
    await user.type(within(form).getByLabelText("Title"), "Desk");
    await user.type(within(form).getByLabelText("Price (USD)"), "80");
    await user.click(within(form).getByRole("button", { name: "Create listing" }));

    expect(await within(form).findByRole("alert")).toHaveTextContent("Sign in to do this.");
    expect(within(form).getByLabelText("Title")).toHaveValue("Desk");
    expect(screen.queryByRole("listitem", { name: "Desk" })).not.toBeInTheDocument();
  });
});
