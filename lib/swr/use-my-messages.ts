"use client";
/**
 * The signed-in user's conversations (GET /api/messages) and what they do in them: open one (its unread
 * messages are marked read at once, optimistically), write (a reply to the latest message received, or a
 * new message to the product's seller), and, as a named buyer, answer the sale. The header's unread
 * count and the dashboard are revalidated with every change.
 */
import "client-only";
import useSWR, { useSWRConfig } from "swr";
import { apiFetch, swrFetcher } from "../api/client";
import type { Conversation, InboxResponse } from "../validation/messages";
import type { SaleAnswer } from "../validation/products";
import { SELLER_DASHBOARD_KEY } from "./use-seller-dashboard";
import { UNREAD_MESSAGES_KEY } from "./use-unread-messages";

export const MY_MESSAGES_KEY = "/api/messages";

export function useMyMessages(fallbackData?: InboxResponse) {
  const { mutate: mutateKey } = useSWRConfig();
  const { data, error, mutate } = useSWR<InboxResponse>(MY_MESSAGES_KEY, swrFetcher, { fallbackData });
  const refreshOthers = () => {
    void mutateKey(UNREAD_MESSAGES_KEY);
    void mutateKey(SELLER_DASHBOARD_KEY);
  };

  return {
    inbox: data,
    error: error as Error | undefined,

    /** Marks the conversation's unread messages read; the counts drop at once. */
    markRead: async (conversation: Conversation) => {
      const unread = conversation.messages.filter((m) => !m.outgoing && m.readAt === null).map((m) => m.id);
      if (unread.length === 0) return;
      const readAt = new Date().toISOString();
      // One request per unread message (a conversation holds a few), in order; the last answer's count wins.
      const request = (async () => {
        let answer = { unreadCount: 0 };
        for (const id of unread)
          answer = await apiFetch<{ unreadCount: number }>(`/api/messages/${id}/read`, { method: "POST" });
        return answer;
      })();
      const shown = data;
      // SWR types the promise as the cached data, but populateCache receives whatever it resolves to.
      await mutate<{ unreadCount: number }>(request as unknown as Promise<InboxResponse>, {
        optimisticData: (current) => {
          const base = (current ?? shown)!;
          return {
            ...markedRead(base, conversation.key, readAt),
            unreadCount: Math.max(0, base.unreadCount - unread.length),
          };
        },
        populateCache: (result, current) => ({
          ...markedRead((current ?? shown)!, conversation.key, readAt),
          unreadCount: result.unreadCount,
        }),
        rollbackOnError: true,
        revalidate: false,
      });
      refreshOthers();
    },

    /** Writes in the conversation: a reply to the latest message received, else to the product's seller. */
    send: async (conversation: Conversation, body: string) => {
      if (conversation.replyToId)
        await apiFetch(`/api/messages/${conversation.replyToId}/reply`, { method: "POST", body: { body } });
      else if (conversation.productId)
        await apiFetch(`/api/products/${conversation.productId}/messages`, { method: "POST", body: { body } });
      await mutate();
    },

    /** The named buyer's answer to the sale of the conversation's product. */
    answerSale: async (productId: string, response: "confirm" | "not_me") => {
      const result = await apiFetch<{ sale: SaleAnswer }>(`/api/products/${productId}/buyer-response`, {
        method: "POST",
        body: { response },
      });
      await mutate();
      refreshOthers();
      return result.sale;
    },
  };
}

function markedRead(inbox: InboxResponse, key: string, readAt: string): InboxResponse {
  return {
    ...inbox,
    conversations: inbox.conversations.map((c) =>
      c.key === key
        ? {
            ...c,
            unreadCount: 0,
            messages: c.messages.map((m) => (m.outgoing ? m : { ...m, readAt: m.readAt ?? readAt })),
          }
        : c,
    ),
  };
}
