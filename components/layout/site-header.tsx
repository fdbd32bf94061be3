import Link from "next/link";
import { currentSession } from "@/lib/auth/session";
import { LeaderboardButton } from "@/components/leaderboard/leaderboard-button";
import { countMyUnreadMessages } from "@/lib/messages/server";
import { MessagesLink } from "./messages-link";
import { SignOutButton } from "./sign-out-button";

/** The header on every page: home, and the sign-in or the signed-in seller's links. */
export async function SiteHeader() {
  const session = await currentSession();
  const signedIn = session.role === "authenticated";
  // The header must not take a page down: without the figure, the link shows none until it refreshes.
  const unread = signedIn ? await countMyUnreadMessages(session).catch(() => 0) : 0;
  return (
    <header className="site-header">
      <nav className="site-nav" aria-label="Main">
        <Link href="/" className="brand">
          Marketplace
        </Link>
        <div className="site-nav-links">
          <LeaderboardButton signedIn={signedIn} />
          {signedIn ? (
            <>
              <Link href="/dashboard">Dashboard</Link>
              <Link href="/my-products">My products</Link>
              <MessagesLink initialUnread={unread} />
              <SignOutButton />
            </>
          ) : (
            <Link href="/sign-in">Sign in</Link>
          )}
        </div>
      </nav>
    </header>
  );
}
