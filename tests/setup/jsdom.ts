import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  // Back to jsdom's own "visible" after a test that hid the tab (tests/helpers/render.tsx).
  Reflect.deleteProperty(document, "visibilityState");
});
