import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: { '.botpress': path.resolve(__dirname, '.botpress/index.ts') },
  },
  test: {
    include: ['test/**/*.test.ts', 'sandbox/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The emulators and integration servers bind loopback ports; files run in parallel processes.
    pool: 'forks',
    // Most of the suite waits (hold-backs for the HITL plugin, SalesIQ's retries, timeouts), it barely computes: on
    // 2 CPUs vitest's default of one file at a time would take ~11 minutes where three take a third of that.
    maxWorkers: 3,
    minWorkers: 1,
  },
})
