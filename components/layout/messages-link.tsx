"use client";
import Link from "next/link";
import { useUnreadMessages } from "@/lib/swr/use-unread-messages";

/** "Messages" in the header, with the unread count (refreshed by the inbox and every minute). */
export function MessagesLink({ initialUnread }: { initialUnread: number }) {
  const unread = useUnreadMessages(initialUnread);
  return (
    <Link href="/messages" aria-label={unread > 0 ? `Messages, ${unread} unread` : "Messages"}>
      Messages
      {unread > 0 && (
        <span className="unread-badge" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}
