import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { RESULTS_DIR } from './support/matrix'

/** `npm run test:reliability`: the suite in its full profile, then the matrix. Exits with vitest's status. */
rmSync(RESULTS_DIR, { recursive: true, force: true })
const run = spawnSync('npx', ['vitest', 'run', 'test/reliability', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, RELIABILITY_PROFILE: process.env.RELIABILITY_PROFILE ?? 'full' },
})
spawnSync('npx', ['tsx', 'test/reliability/print-matrix.ts'], { stdio: 'inherit' })
process.exit(run.status ?? 1)
