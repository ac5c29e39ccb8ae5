import { defineConfig } from "vitest/config";

// Two projects: fast unit tests, and slow ones (real astro build, real kernel, real browser).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Property and stream tests run beside the browser tests on 2 cores: a time limit is no speed
          // check (the benches are), only a guard against a hang.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One browser and one server for the built dist/: run one file at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          // They share the kernel, the browser and dist/: run one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
