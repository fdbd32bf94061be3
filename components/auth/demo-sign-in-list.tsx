"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import type { DemoUserListEntry } from "@/lib/validation/auth";
import { DEFAULT_AFTER_SIGN_IN, safeNextPath } from "@/lib/validation/next-path";

/** One button per seeded user; choosing one signs in as them and opens `next` (a same-site path; My products by default). */
export function DemoSignInList({ users, next = DEFAULT_AFTER_SIGN_IN }: { users: DemoUserListEntry[]; next?: string }) {
  const router = useRouter();
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sellers = users.filter((user) => user.isSeller);
  const shoppers = users.filter((user) => !user.isSeller);

  async function signInAs(user: DemoUserListEntry) {
    setPendingId(user.id);
    setError(null);
    try {
      await apiFetch("/api/auth/demo-sign-in", { method: "POST", body: { userId: user.id } });
      router.push(safeNextPath(next));
      router.refresh();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "Sign-in failed.");
      setPendingId(null);
    }
  }

  const group = (title: string, members: DemoUserListEntry[]) =>
    members.length > 0 && (
      <section aria-labelledby={`demo-${title}`}>
        <h2 id={`demo-${title}`}>{title}</h2>
        <ul className="demo-users">
          {members.map((user) => (
            <li key={user.id}>
              <button type="button" onClick={() => signInAs(user)} disabled={pendingId !== null}>
                <span className="demo-user-name">Sign in as {user.displayName}</span>
                {user.isSeller && (
                  <span className="muted">
                    {" "}
                    ({user.productCount} {user.productCount === 1 ? "product" : "products"})
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </section>
    );

  return (
    <div className="demo-sign-in">
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      {group("Sellers", sellers)}
      {group("Shoppers", shoppers)}
    </div>
  );
}
