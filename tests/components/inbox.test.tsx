/**
 * The inbox through its reader's eyes: conversations by product and person, latest first; opening one
 * marks it read and the count drops; replying (to the latest message received, or to the seller when the
 * other side has not written yet); a named buyer's Confirm / Not me; bodies shown as typed, never as HTML.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Inbox } from "../../components/messages/inbox";
import type { Conversation, InboxResponse } from "../../lib/validation/messages";
import { apiError, hold, stubApi } from "../helpers/api-stub";
import { renderWithProviders, screen, waitFor, within } from "../helpers/render";

const EMMA_MESSAGE = "11111111-1111-4111-8111-111111111111";
const asking: Conversation = {
  key: "p1:emma",
  productId: "p1",
  productTitle: "Leica M3",
  readerIsSeller: true,
  otherId: "emma",
  otherName: "Emma Clarke",
  messages: [
    {
      id: "00000000-0000-4000-8000-00000000000a",
      outgoing: false,
      body: "Is it available?",
      createdAt: "2026-11-19T10:00:00Z",
      readAt: "2026-11-19T11:00:00Z",
    },
    {
      id: "00000000-0000-4000-8000-00000000000b",
      outgoing: true,
      body: "Yes!",
      createdAt: "2026-11-19T12:00:00Z",
      readAt: null,
    },
    {
      id: EMMA_MESSAGE,
      outgoing: false,
      body: "Would you take $1,200?",
      createdAt: "2026-11-20T10:00:00Z",
      readAt: null,
    },
  ],
  unreadCount: 1,
  lastMessageAt: "2026-11-20T10:00:00Z",
  replyToId: EMMA_MESSAGE,
  sale: null,
};
const bought: Conversation = {
  key: "p2:ana",
  productId: "p2",
  productTitle: "Camera",
  readerIsSeller: false,
  otherId: "ana",
  otherName: "Ana Lind",
  messages: [
    {
      id: "00000000-0000-4000-8000-00000000000c",
      outgoing: true,
      body: "<b>Still there?</b>",
      createdAt: "2026-11-18T10:00:00Z",
      readAt: null,
    },
  ],
  unreadCount: 0,
  lastMessageAt: "2026-11-18T10:00:00Z",
  replyToId: null,
  sale: {
    readerIsBuyer: true,
    soldAt: "2026-11-18T12:00:00Z",
    counts: true,
    buyerResponse: null,
    respondedAt: null,
    notMeUntil: "2026-12-02T12:00:00Z",
    notMeOpen: true,
  },
};
const inbox: InboxResponse = { unreadCount: 1, conversations: [asking, bought] };

afterEach(() => vi.unstubAllGlobals());

describe("Inbox", () => {
  it("lists conversations latest first, with the other person, the product and the unread state", () => {
    stubApi({ "GET /api/messages": { json: inbox } });
    renderWithProviders(<Inbox initialInbox={inbox} />);
    const items = within(screen.getByRole("list", { name: "Conversations" })).getAllByRole("listitem");
    expect(items.map((item) => item.getAttribute("aria-label"))).toEqual([
      "Emma Clarke, about Leica M3, 1 unread",
      "Ana Lind, about Camera",
    ]);
    expect(items[1]).toHaveTextContent("Ana Lind marked you as the buyer · please answer");
    expect(items[1]).toHaveTextContent("You: <b>Still there?</b>");
    expect(screen.getByText("1 unread message.")).toBeInTheDocument();
  });

  it("opens a conversation, both directions oldest first, and marks it read: the count drops at once", async () => {
    const answer = hold({ json: { unreadCount: 0 } });
    const api = stubApi({
      "GET /api/messages": { json: inbox },
      "GET /api/messages/unread": { json: { unreadCount: 0 } },
      [`POST /api/messages/${EMMA_MESSAGE}/read`]: answer.reply,
    });
    const { user } = renderWithProviders(<Inbox initialInbox={inbox} />);
    await user.click(screen.getByRole("button", { name: /Emma Clarke/ }));
    const thread = screen.getByRole("list", { name: "Messages with Emma Clarke" });
    expect(
      within(thread)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([
      expect.stringMatching(/^Emma Clarke.*Is it available\?$/),
      expect.stringMatching(/^You.*Yes!$/),
      expect.stringMatching(/^Emma Clarke.*Would you take \$1,200\?$/),
    ]);
    expect(screen.getByText("No unread messages.")).toBeInTheDocument(); // at once
    answer.release();
    await waitFor(() =>
      expect(screen.getByRole("listitem", { name: "Emma Clarke, about Leica M3" })).toBeInTheDocument(),
    );
    expect(api.requests.filter((r) => r.method === "POST")).toEqual([
      { method: "POST", path: `/api/messages/${EMMA_MESSAGE}/read`, body: undefined },
    ]);
  });

  it("puts the unread state back and says why when marking read fails", async () => {
    stubApi({
      "GET /api/messages": { json: inbox },
      [`POST /api/messages/${EMMA_MESSAGE}/read`]: apiError(
        503,
        "database_unavailable",
        "The database is unavailable.",
      ),
    });
    const { user } = renderWithProviders(<Inbox initialInbox={inbox} />);
    await user.click(screen.getByRole("button", { name: /Emma Clarke/ }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not mark the messages as read. The database is unavailable.",
    );
    expect(screen.getByText("1 unread message.")).toBeInTheDocument();
  });

  it("replies to the latest message received", async () => {
    const read = { ...inbox, unreadCount: 0, conversations: [{ ...asking, unreadCount: 0 }] };
    const api = stubApi({
      "GET /api/messages": { json: read },
      [`POST /api/messages/${EMMA_MESSAGE}/reply`]: { status: 201, json: { id: "r1" } },
    });
    const { user } = renderWithProviders(<Inbox initialInbox={read} />);
    await user.click(screen.getByRole("button", { name: /Emma Clarke/ }));
    const form = screen.getByRole("form", { name: "Reply to Emma Clarke" });
    await user.click(within(form).getByRole("button", { name: "Send reply" }));
    expect(within(form).getByRole("alert")).toHaveTextContent("Write a reply.");
    await user.type(within(form).getByLabelText("Your reply"), "Make it $1,300.");
    await user.click(within(form).getByRole("button", { name: "Send reply" }));
    expect(await within(form).findByRole("status")).toHaveTextContent("Sent to Emma Clarke.");
    expect(api.requests.find((r) => r.method === "POST")).toEqual({
      method: "POST",
      path: `/api/messages/${EMMA_MESSAGE}/reply`,
      body: { body: "Make it $1,300." },
    });
  });

  it("writes to the seller when they have not answered yet; bodies stay plain text", async () => {
    const api = stubApi({
      "GET /api/messages": { json: inbox },
      "POST /api/products/p2/messages": { status: 201, json: { message: {} } },
    });
    const { user, container } = renderWithProviders(<Inbox initialInbox={inbox} />);
    await user.click(screen.getByRole("button", { name: /Ana Lind/ }));
    expect(screen.getAllByText("<b>Still there?</b>").length).toBeGreaterThan(0);
    expect(container.querySelector("b")).toBeNull();
    const form = screen.getByRole("form", { name: "Reply to Ana Lind" });
    await user.type(within(form).getByLabelText("Your reply"), "Hello?");
    await user.click(within(form).getByRole("button", { name: "Send reply" }));
    await within(form).findByRole("status");
    expect(api.requests.find((r) => r.method === "POST")).toMatchObject({
      path: "/api/products/p2/messages",
      body: { body: "Hello?" },
    });
  });

  it("lets the named buyer answer Not me, and shows the answer", async () => {
    const answered: InboxResponse = {
      ...inbox,
      conversations: [
        asking,
        {
          ...bought,
          sale: { ...bought.sale!, buyerResponse: "not_me", counts: false, respondedAt: "2026-11-21T00:00:00Z" },
        },
      ],
    };
    let served = inbox;
    const api = stubApi({
      "GET /api/messages": async () => ({ json: served }),
      "GET /api/messages/unread": { json: { unreadCount: 1 } },
      "POST /api/products/p2/buyer-response": async () => {
        served = answered;
        return {
          json: {
            sale: { productId: "p2", buyerResponse: "not_me", respondedAt: "2026-11-21T00:00:00Z", counts: false },
          },
        };
      },
    });
    const { user } = renderWithProviders(<Inbox initialInbox={inbox} />);
    await user.click(screen.getByRole("button", { name: /Ana Lind/ }));
    const notice = screen.getByRole("group", { name: "Your purchase" });
    expect(notice).toHaveTextContent("Ana Lind marked you as the buyer of Camera");
    await user.click(within(notice).getByRole("button", { name: "Not me" }));
    expect(await within(notice).findByRole("status")).toHaveTextContent("this sale is off the leaderboards");
    expect(api.requests.find((r) => r.method === "POST")).toEqual({
      method: "POST",
      path: "/api/products/p2/buyer-response",
      body: { response: "not_me" },
    });
  });

  it("offers no Not me after its 14 days, and says why an answer was refused", async () => {
    const late: InboxResponse = {
      unreadCount: 0,
      conversations: [{ ...bought, sale: { ...bought.sale!, notMeOpen: false } }],
    };
    stubApi({
      "GET /api/messages": { json: late },
      "POST /api/products/p2/buyer-response": apiError(409, "conflict", "You have already answered."),
    });
    const { user } = renderWithProviders(<Inbox initialInbox={late} />);
    await user.click(screen.getByRole("button", { name: /Ana Lind/ }));
    const notice = screen.getByRole("group", { name: "Your purchase" });
    expect(within(notice).queryByRole("button", { name: "Not me" })).toBeNull();
    await user.click(within(notice).getByRole("button", { name: "Confirm" }));
    expect(await within(notice).findByRole("alert")).toHaveTextContent("You have already answered.");
  });

  it("says so when there are no messages", () => {
    stubApi({ "GET /api/messages": { json: { unreadCount: 0, conversations: [] } } });
    renderWithProviders(<Inbox initialInbox={{ unreadCount: 0, conversations: [] }} />);
    expect(screen.getByText(/No messages yet/)).toBeInTheDocument();
  });
});
