/**
 * Which avatars are shown: only images in the project's Supabase Storage public bucket
 * (`<SUPABASE_URL>/storage/v1/object/public/avatars/`); any other URL (a tracking pixel on another
 * host, say) is shown as the user's initials. Without Supabase (the embedded and database modes)
 * everyone gets initials. The pages' Content-Security-Policy allows images from that origin only.
 */
import "server-only";
import { getConfig } from "./config";

export function avatarBucketPrefix(supabaseUrl: string | undefined): string | null {
  return supabaseUrl ? `${supabaseUrl.replace(/\/+$/, "")}/storage/v1/object/public/avatars/` : null;
}

function projectAvatarPrefix(): string | null {
  const config = getConfig();
  return avatarBucketPrefix(config.mode === "supabase" ? config.supabase.url : undefined);
}

/** The avatar URL to show, or null for initials. */
export function shownAvatarUrl(url: string | null | undefined, prefix = projectAvatarPrefix()): string | null {
  if (!url || !prefix) return null;
  try {
    // Normalised first, so "avatars/../other-bucket/x" or an encoded dot segment cannot leave the bucket.
    const resolved = new URL(url);
    if (resolved.username || resolved.password || resolved.search || resolved.hash) return null;
    const href = resolved.href.replace(/%2e/gi, ".");
    return href.startsWith(prefix) &&
      !href.slice(prefix.length).split("/").includes("..") &&
      href.length > prefix.length
      ? resolved.href
      : null;
  } catch {
    return null;
  }
}
