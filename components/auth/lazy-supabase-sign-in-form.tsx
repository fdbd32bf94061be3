"use client";
import dynamic from "next/dynamic";

/**
 * The Supabase sign-in form in a chunk of its own, fetched only when a page renders it (the Supabase
 * mode): the sign-in page of the other modes never ships @supabase/ssr to the browser.
 */
export const LazySupabaseSignInForm = dynamic(() =>
  import("./supabase-sign-in-form").then((module) => module.SupabaseSignInForm),
);
