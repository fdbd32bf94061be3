/**
 * Demo sign-in: the users the sign-in page lists and the user POST /api/auth/demo-sign-in answers
 * with, parsed on the way out (lib/auth/demo.ts). Shared, like every module of lib/validation: the
 * page and the route on the server, the sign-in list in the browser.
 */
import { z } from "zod";

/** A user of the demo sign-in list; sellers have at least one product. */
export const demoUserListEntrySchema = z.strictObject({
  id: z.string(),
  displayName: z.string(),
  productCount: z.number().int().min(0),
  isSeller: z.boolean(),
});
export type DemoUserListEntry = z.infer<typeof demoUserListEntrySchema>;

/** The user demo sign-in signed in as. */
export const demoUserSchema = z.strictObject({
  id: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});
export type DemoUser = z.infer<typeof demoUserSchema>;

export const demoSignInSchema = z.strictObject({ userId: z.uuid("userId must be a UUID.") });
