"use client";
/**
 * The signed-in user's inbox (GET /api/messages). Opening a message marks it read at once (optimistic);
 * the dashboard's unread figure is revalidated with it.
 */
import "client-only";
import useSWR, { useSWRConfig } from "swr";
import { apiFetch, swrFetcher } from "../api/client";
import type { InboxResponse, ReplyInput } from "../validation/messages";
import { SELLER_DASHBOARD_KEY } from "./use-seller-dashboard";

export const MY_MESSAGES_KEY = "/api/messages";

export function useMyMessages(fallbackData?: InboxResponse) {
  const { mutate: mutateKey } = useSWRConfig();
  const { data, error, mutate } = useSWR<InboxResponse>(MY_MESSAGES_KEY, swrFetcher, { fallbackData });

  return {
    inbox: data,
    error: error as Error | undefined,

    markRead: async (id: string) => {
      const shown = data;
      if (!shown?.messages.some((message) => message.id === id && message.readAt === null)) return;
      const readAt = new Date().toISOString();
      // SWR types the promise as the cached data, but populateCache receives whatever it resolves to.
      const request = apiFetch<{ unreadCount: number }>(`/api/messages/${id}/read`, { method: "POST" });
      await mutate<{ unreadCount: number }>(request as unknown as Promise<InboxResponse>, {
        optimisticData: (current) => {
          const base = current ?? shown;
          return { ...markedRead(base, id, readAt), unreadCount: Math.max(0, base.unreadCount - 1) };
        },
        populateCache: (result, current) => ({
          ...markedRead(current ?? shown, id, readAt),
          unreadCount: result.unreadCount,
        }),
        rollbackOnError: true,
        revalidate: false,
      });
      void mutateKey(SELLER_DASHBOARD_KEY);
    },

    reply: (id: string, input: ReplyInput) =>
      apiFetch<{ id: string }>(`/api/messages/${id}/reply`, { method: "POST", body: input }),
  };
}

function markedRead(inbox: InboxResponse, id: string, readAt: string): InboxResponse {
  return { ...inbox, messages: inbox.messages.map((m) => (m.id === id ? { ...m, readAt: m.readAt ?? readAt } : m)) };
}
