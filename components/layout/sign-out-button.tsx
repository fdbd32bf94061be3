"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";

export function SignOutButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    try {
      await apiFetch("/api/auth/sign-out", { method: "POST" });
    } catch {
      // The cookie may already be gone; going home and re-rendering shows the truth either way.
    } finally {
      setBusy(false);
    }
    router.push("/");
    // Server components (the header, My products) read the cookie: render them again without it.
    router.refresh();
  }

  return (
    <button type="button" className="link-button" onClick={signOut} disabled={busy}>
      Sign out
    </button>
  );
}
