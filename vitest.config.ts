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
  },
})
