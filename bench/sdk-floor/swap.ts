import { tmpdir } from 'node:os'
import path from 'node:path'
import { bundleEntry } from '../../scripts/build'
import { startServedBundle } from '../../sandbox/runtime/served-bundle'
import type { Stack } from '../../sandbox/stack'
import { placeIntegration } from '../cpu'

let built: Promise<string> | undefined

/** bench/sdk-floor/index.ts bundled exactly like the integration (scripts/build.ts), so only the code differs. */
export const buildSdkFloor = (): Promise<string> =>
  (built ??= bundleEntry(
    "import integration from './bench/sdk-floor/index'\nexport default integration\nexport const handler = integration.handler\n",
    path.join(tmpdir(), `zoho-bench-sdk-floor-${process.pid}`, 'index.cjs')
  ))

/**
 * Hands the stack's traffic to the SDK-only floor: the sessions stay (they live in the emulators), the integration
 * process(es) behind the runtime are replaced by one floor process on the integration's CPU, started with the same
 * environment. Returns its pid (for CPU figures).
 */
export async function handToSdkFloor(stack: Stack): Promise<number> {
  const floor = await startServedBundle({
    bundle: await buildSdkFloor(),
    env: { BP_API_URL: stack.botpress.url, ZOHO_ACCOUNTS_URL: stack.zoho.url, ZOHO_SALESIQ_URL: stack.zoho.url },
    what: 'SDK-only floor',
  })
  placeIntegration(floor.pid)
  const ours = stack.pool.instances.splice(0, stack.pool.instances.length, floor)
  await Promise.all(ours.map((i) => i.close()))
  return floor.pid
}
