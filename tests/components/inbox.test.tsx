/** The inbox through the recipient's eyes: newest first, opening marks read, the count drops, replies. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Inbox } from "../../components/messages/inbox";
import type { InboxResponse } from "../../lib/validation/messages";
import { apiError, hold, stubApi } from "../helpers/api-stub";
import { renderWithProviders, screen, waitFor, within } from "../helpers/render";

const inbox: InboxResponse = {
  unreadCount: 1,
  messages: [
    {
      id: "11111111-1111-4111-8111-111111111111",
      senderId: "s1",
      senderName: "Emma Clarke",
      productId: "p1",
      productTitle: "Leica M3",
      body: "Would you take $1,200?",
      createdAt: "2026-11-20T10:00:00Z",
      readAt: null,
    },
    {
      id: "22222222-2222-4222-8222-222222222222",
      senderId: "s2",
      senderName: "Noah Schmidt",
      productId: null,
      productTitle: null,
      body: "Thanks for the quick reply!",
      createdAt: "2026-11-18T10:00:00Z",
      readAt: "2026-11-18T11:00:00Z",
    },
  ],
};
const [unread, read] = inbox.messages;

afterEach(() => vi.unstubAllGlobals());

describe("Inbox", () => {
  it("lists messages newest first with sender, product and unread state", () => {
    stubApi({ "GET /api/messages": { json: inbox } });
    renderWithProviders(<Inbox initialInbox={inbox} />);
    const items = within(screen.getByRole("list", { name: "Messages" })).getAllByRole("listitem");
    expect(items.map((item) => item.getAttribute("aria-label"))).toEqual([
      "From Emma Clarke, unread",
      "From Noah Schmidt",
    ]);
    expect(items[0]).toHaveTextContent("about Leica M3");
    expect(items[1]).toHaveTextContent("no product");
    expect(screen.getByText("1 unread message.")).toBeInTheDocument();
  });

  it("marks a message read when it is opened, and the unread count drops", async () => {
    const answer = hold({ json: { unreadCount: 0 } });
    const api = stubApi({
      "GET /api/messages": { json: inbox },
      [`POST /api/messages/${unread.id}/read`]: answer.reply,
    });
    const { user } = renderWithProviders(<Inbox initialInbox={inbox} />);
    await user.click(screen.getByRole("button", { name: /Emma Clarke/ }));
    expect(screen.getByRole("button", { name: /Emma Clarke/ })).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByText("Would you take $1,200?")).toBeInTheDocument();
    expect(screen.getByText("No unread messages.")).toBeInTheDocument(); // at once
    answer.release();
    await waitFor(() => expect(screen.getByRole("listitem", { name: "From Emma Clarke" })).toBeInTheDocument());
    expect(api.requests.filter((r) => r.method === "POST")).toEqual([
      { method: "POST", path: `/api/messages/${unread.id}/read`, body: undefined },
    ]);

    // Opening a read message sends nothing.
    await user.click(screen.getByRole("button", { name: /Noah Schmidt/ }));
    expect(api.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(read.readAt).not.toBeNull();
  });

  it("puts the unread state back and says why when marking read fails", async () => {
    stubApi({
      "GET /api/messages": { json: inbox },
      [`POST /api/messages/${unread.id}/read`]: apiError(503, "database_unavailable", "The database is unavailable."),
    });
    const { user } = renderWithProviders(<Inbox initialInbox={inbox} />);
    await user.click(screen.getByRole("button", { name: /Emma Clarke/ }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not mark the message as read. The database is unavailable.",
    );
    expect(screen.getByText("1 unread message.")).toBeInTheDocument();
  });

  it("replies to the sender", async () => {
    const api = stubApi({
      "GET /api/messages": { json: { ...inbox, unreadCount: 0, messages: [read] } },
      [`POST /api/messages/${read.id}/reply`]: { status: 201, json: { id: "r1" } },
    });
    const { user } = renderWithProviders(<Inbox initialInbox={{ ...inbox, unreadCount: 0, messages: [read] }} />);
    await user.click(screen.getByRole("button", { name: /Noah Schmidt/ }));
    const form = screen.getByRole("form", { name: "Reply to Noah Schmidt" });
    await user.click(within(form).getByRole("button", { name: "Send reply" }));
    expect(within(form).getByRole("alert")).toHaveTextContent("Write a reply.");
    await user.type(within(form).getByLabelText("Your reply"), "You're welcome!");
    await user.click(within(form).getByRole("button", { name: "Send reply" }));
    expect(await within(form).findByRole("status")).toHaveTextContent("Reply sent to Noah Schmidt.");
    expect(api.requests.find((r) => r.method === "POST")).toEqual({
      method: "POST",
      path: `/api/messages/${read.id}/reply`,
      body: { body: "You're welcome!" },
    });
  });

  it("says so when there are no messages", () => {
    stubApi({ "GET /api/messages": { json: { unreadCount: 0, messages: [] } } });
    renderWithProviders(<Inbox initialInbox={{ unreadCount: 0, messages: [] }} />);
    expect(screen.getByText(/No messages yet/)).toBeInTheDocument();
  });
});
