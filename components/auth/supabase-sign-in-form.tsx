"use client";
import { createBrowserClient } from "@supabase/ssr";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { DEFAULT_AFTER_SIGN_IN, safeNextPath } from "@/lib/validation/next-path";

/** Email and password sign-in with Supabase Auth; @supabase/ssr keeps the session in cookies the server reads. */
export function SupabaseSignInForm({
  supabaseUrl,
  anonKey,
  next = DEFAULT_AFTER_SIGN_IN,
}: {
  supabaseUrl: string;
  anonKey: string;
  next?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const supabase = createBrowserClient(supabaseUrl, anonKey);
    const { error: failure } = await supabase.auth.signInWithPassword({
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setBusy(false);
    if (failure) {
      setError(failure.message);
      return;
    }
    router.push(safeNextPath(next));
    router.refresh();
  }

  return (
    <form className="form" onSubmit={onSubmit}>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
