import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Inbox } from "@/components/messages/inbox";
import { currentSession } from "@/lib/auth/session";
import { listMyConversations } from "@/lib/messages/server";

export const metadata: Metadata = { title: "Messages" };
export const dynamic = "force-dynamic";

/** The signed-in user's inbox, rendered on the server first; the client marks messages read. */
export default async function MessagesPage() {
  const session = await currentSession();
  if (session.role !== "authenticated") redirect("/sign-in?next=/messages");
  return (
    <>
      <h1>Messages</h1>
      <Inbox initialInbox={await listMyConversations(session)} />
    </>
  );
}
