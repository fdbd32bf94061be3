/**
 * Avatars are shown only from the project's Supabase Storage public bucket, else initials (null), and
 * the pages' Content-Security-Policy loads images from that origin only.
 */
import { describe, expect, it } from "vitest";
import { avatarBucketPrefix, shownAvatarUrl } from "../../lib/avatars";
import { contentSecurityPolicy } from "../../lib/security-headers";

const project = "https://abc.supabase.co";
const prefix = avatarBucketPrefix(project)!;

describe("shownAvatarUrl", () => {
  it("keeps an image in the project's public avatars bucket", () => {
    expect(prefix).toBe("https://abc.supabase.co/storage/v1/object/public/avatars/");
    expect(shownAvatarUrl(`${prefix}u1/face.png`, prefix)).toBe(`${prefix}u1/face.png`);
  });

  it.each([
    "https://tracker.example/pixel.gif",
    "https://abc.supabase.co.evil.example/storage/v1/object/public/avatars/x.png",
    "https://abc.supabase.co/storage/v1/object/public/other/x.png",
    "https://abc.supabase.co/storage/v1/object/public/avatars/../other/x.png",
    "https://abc.supabase.co/storage/v1/object/public/avatars/%2e%2e/other/x.png",
    "https://abc.supabase.co/storage/v1/object/public/avatars/x.png?track=1",
    "https://user@abc.supabase.co/storage/v1/object/public/avatars/x.png",
    "http://abc.supabase.co/storage/v1/object/public/avatars/x.png",
    prefix,
    "not a url",
    "",
    null,
  ])("shows initials for %s", (url) => {
    expect(shownAvatarUrl(url, prefix)).toBeNull();
  });

  it("shows initials for everyone without Supabase (the embedded mode)", () => {
    expect(avatarBucketPrefix(undefined)).toBeNull();
    expect(shownAvatarUrl(`${prefix}u1/face.png`, null)).toBeNull();
  });
});

describe("Content-Security-Policy img-src", () => {
  const imgSrc = (policy: string) => policy.split("; ").find((part) => part.startsWith("img-src"));

  it("allows the project's storage origin and no other host", () => {
    expect(imgSrc(contentSecurityPolicy("n", { dev: false, imagesFrom: project }))).toBe(
      "img-src 'self' data: blob: https://abc.supabase.co",
    );
    expect(imgSrc(contentSecurityPolicy("n", { dev: false }))).toBe("img-src 'self' data: blob:");
  });
});
