/** The demo sign-in list through the user's eyes: sellers first with counts, one click signs in. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { DemoSignInList } from "../../components/auth/demo-sign-in-list";
import type { DemoUserListEntry } from "../../lib/validation/auth";
import { apiError, stubApi } from "../helpers/api-stub";
import { renderWithProviders, screen, within } from "../helpers/render";

const router = { push: vi.fn(), refresh: vi.fn() };
vi.mock("next/navigation", () => ({ useRouter: () => router }));

const users: DemoUserListEntry[] = [
  { id: "6f1c2b8e-0000-4000-8000-000000000001", displayName: "Ada Seller", productCount: 12, isSeller: true },
  { id: "6f1c2b8e-0000-4000-8000-000000000002", displayName: "Bo Seller", productCount: 1, isSeller: true },
  { id: "6f1c2b8e-0000-4000-8000-000000000003", displayName: "Cy Shopper", productCount: 0, isSeller: false },
];

afterEach(() => {
  vi.unstubAllGlobals();
  router.push.mockClear();
  router.refresh.mockClear();
});

describe("Demo sign-in", () => {
  it("lists sellers first, with their product counts, then shoppers", () => {
    stubApi({});
    renderWithProviders(<DemoSignInList users={users} />);
    const [sellers, shoppers] = screen.getAllByRole("region");
    expect(sellers).toHaveAccessibleName("Sellers");
    expect(
      within(sellers)
        .getAllByRole("button")
        .map((button) => button.textContent),
    ).toEqual(["Sign in as Ada Seller (12 products)", "Sign in as Bo Seller (1 product)"]);
    expect(shoppers).toHaveAccessibleName("Shoppers");
    expect(within(shoppers).getByRole("button", { name: "Sign in as Cy Shopper" })).toBeInTheDocument();
  });

  it("signs in as the chosen user and opens My products", async () => {
    const api = stubApi({ "POST /api/auth/demo-sign-in": { json: { user: { id: users[1].id } } } });
    const { user } = renderWithProviders(<DemoSignInList users={users} />);
    await user.click(screen.getByRole("button", { name: /Sign in as Bo Seller/ }));
    expect(api.requests).toEqual([{ method: "POST", path: "/api/auth/demo-sign-in", body: { userId: users[1].id } }]);
    expect(router.push).toHaveBeenCalledWith("/my-products");
    expect(router.refresh).toHaveBeenCalled();
  });

  it("goes back to a same-site `next` after sign-in, and never to another site", async () => {
    stubApi({ "POST /api/auth/demo-sign-in": { json: { user: { id: users[0].id } } } });
    const { user, unmount } = renderWithProviders(<DemoSignInList users={users} next="/dashboard" />);
    await user.click(screen.getByRole("button", { name: /Sign in as Ada Seller/ }));
    expect(router.push).toHaveBeenCalledWith("/dashboard");
    unmount();
    router.push.mockClear();
    const again = renderWithProviders(<DemoSignInList users={users} next="//evil.example/dashboard" />);
    await again.user.click(screen.getByRole("button", { name: /Sign in as Ada Seller/ }));
    expect(router.push).toHaveBeenCalledWith("/my-products");
  });

  it("says why when sign-in fails, and lets the user try again", async () => {
    stubApi({ "POST /api/auth/demo-sign-in": apiError(404, "not_found", "There is no demo user with that id.") });
    const { user } = renderWithProviders(<DemoSignInList users={users} />);
    await user.click(screen.getByRole("button", { name: /Sign in as Ada Seller/ }));
    expect(await screen.findByRole("alert")).toHaveTextContent("There is no demo user with that id.");
    expect(screen.getByRole("button", { name: /Sign in as Ada Seller/ })).toBeEnabled();
    expect(router.push).not.toHaveBeenCalled();
  });
});
