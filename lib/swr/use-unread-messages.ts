"use client";
/** The signed-in user's unread message count (GET /api/messages/unread), for the header. */
import "client-only";
import useSWR from "swr";
import { swrFetcher } from "../api/client";

export const UNREAD_MESSAGES_KEY = "/api/messages/unread";

/** Refreshed every minute while the tab is visible, and whenever the inbox changes something. */
const REFRESH_MS = 60_000;

export function useUnreadMessages(fallbackCount: number) {
  const { data } = useSWR<{ unreadCount: number }>(UNREAD_MESSAGES_KEY, swrFetcher, {
    fallbackData: { unreadCount: fallbackCount },
    refreshInterval: REFRESH_MS,
    refreshWhenHidden: false,
  });
  return data?.unreadCount ?? fallbackCount;
}
