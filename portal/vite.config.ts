// The portal's build (`npm run build` → dist/, served on the API's origin) and
// its tests (`npm test`): unit tests, and browser tests in Debian's Chromium
// against a dev server of their own (tests/stack.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  build: {
    target: "es2022",
    // No inline script or style anywhere: the page's CSP allows none.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/stack.ts"],
    // One browser and one stack: the files run one after another.
    fileParallelism: false,
    testTimeout: 90_000,
    // A page waits on the API and the emulator: give it time (vitest's 1 s is
    // short on a loaded 2-core machine).
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 180_000,
  },
});
