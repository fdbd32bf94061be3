import type { Metadata } from "next";
import { DemoSignInList } from "@/components/auth/demo-sign-in-list";
import { LazySupabaseSignInForm } from "@/components/auth/lazy-supabase-sign-in-form";
import { embeddedDatabaseProven, listDemoUsers } from "@/lib/auth/demo";
import { getConfig } from "@/lib/config";
import { safeNextPath } from "@/lib/validation/next-path";

export const metadata: Metadata = { title: "Sign in" };

/** Sign-in depends on where accounts live (docs/architecture.md, "Where data and sign-in come from"). `?next=` is where to go after. */
export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const config = getConfig();
  const next = safeNextPath((await searchParams).next);

  if (await embeddedDatabaseProven()) {
    const users = await listDemoUsers();
    return (
      <>
        <h1>Demo sign-in</h1>
        <p className="notice">
          This app runs on its embedded demo database, so there are no passwords: pick a seeded user to act as them.
          Sellers are listed first.
        </p>
        <DemoSignInList users={users} next={next} />
      </>
    );
  }

  if (config.mode === "supabase") {
    return (
      <>
        <h1>Sign in</h1>
        <LazySupabaseSignInForm supabaseUrl={config.supabase.url} anonKey={config.supabase.anonKey} next={next} />
      </>
    );
  }

  return (
    <>
      <h1>Sign in</h1>
      <p className="notice">
        This server uses its own PostgreSQL database and accepts Supabase Auth access tokens: send one as{" "}
        <code>Authorization: Bearer &lt;token&gt;</code> with each API request. There is no sign-in form here.
      </p>
    </>
  );
}
