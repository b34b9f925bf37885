import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration tests start real sandboxes and child processes; the machines are small and shared.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
