import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Property and fuzz suites run thousands of cases; keep a generous per-test bound.
    testTimeout: 60_000,
    pool: "forks",
  },
});
