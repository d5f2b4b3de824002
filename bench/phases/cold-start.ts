import { spawn } from 'node:child_process'
import { mkdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { bundleEntry } from '../../scripts/build'
import { freePort, BUNDLE } from '../../sandbox/runtime/integration-process'
import { callIntegration, type Identity } from '../../sandbox/runtime/protocol'
import { placeIntegration } from '../cpu'
import { sleep } from '../load/generator'

const IDENTITY: Identity = {
  botId: 'bot_cold',
  botUserId: 'bot_cold',
  integrationId: 'int_cold',
  integrationAlias: 'cold',
  webhookId: 'wh_cold',
}

/** The SDK alone: an integration with no actions, no channels and a handler that answers 200, bundled the same way. */
async function buildSdkOnly(): Promise<string> {
  const dir = path.join(tmpdir(), 'zoho-bench-sdk-only')
  mkdirSync(dir, { recursive: true })
  const outfile = path.join(dir, 'index.cjs')
  // Bundled exactly like the integration (scripts/build.ts), so the ratio measures our code, not the options.
  await bundleEntry(
    "import * as sdk from '@botpress/sdk'\n" +
      'const integration = new sdk.Integration({ register: async () => {}, unregister: async () => {}, actions: {}, channels: {}, handler: async () => ({ status: 200 }) } as any)\n' +
      'export default integration\nexport const handler = integration.handler\n',
    outfile
  )
  return outfile
}

/** Spawn → bundle loaded → first request answered (a `webhook_received` HEAD, which needs no API call). */
async function coldStart(bundle: string): Promise<{ totalMs: number; loadMs: number }> {
  const port = await freePort()
  const script = `const t=performance.now();const m=require(${JSON.stringify(bundle)});process.stdout.write(JSON.stringify({boot:t,load:performance.now()-t}));m.default.start(${port})`
  const t0 = performance.now()
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] })
  placeIntegration(child.pid!)
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  try {
    for (;;) {
      try {
        const answer = await callIntegration(`http://127.0.0.1:${port}`, IDENTITY, {}, 'webhook_received', {
          req: { method: 'HEAD', path: '', query: '', headers: {} },
        })
        if (answer.status === 200) break
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 15_000) throw new Error(`cold start of ${bundle} did not answer`)
      await sleep(2)
    }
    const totalMs = performance.now() - t0
    const { load } = JSON.parse(out.slice(0, out.indexOf('}') + 1)) as { load: number }
    return { totalMs, loadMs: load }
  } finally {
    child.kill('SIGKILL')
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!

export type ColdStartResult = {
  bundleBytes: number
  sdkOnlyBytes: number
  coldStartMs: number
  sdkOnlyColdStartMs: number
  loadMs: number
  sdkOnlyLoadMs: number
  runs: number
}

export async function coldStartPhase(runs: number): Promise<ColdStartResult> {
  const sdkOnly = await buildSdkOnly()
  const ours: Array<{ totalMs: number; loadMs: number }> = []
  const base: Array<{ totalMs: number; loadMs: number }> = []
  for (let i = 0; i < runs; i++) {
    ours.push(await coldStart(BUNDLE)) // alternate, so a busy moment hits both
    base.push(await coldStart(sdkOnly))
  }
  return {
    bundleBytes: statSync(BUNDLE).size,
    sdkOnlyBytes: statSync(sdkOnly).size,
    coldStartMs: median(ours.map((r) => r.totalMs)),
    sdkOnlyColdStartMs: median(base.map((r) => r.totalMs)),
    loadMs: median(ours.map((r) => r.loadMs)),
    sdkOnlyLoadMs: median(base.map((r) => r.loadMs)),
    runs,
  }
}
