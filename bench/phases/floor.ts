import { spawn } from 'node:child_process'
import { placeIntegration } from '../cpu'
import { summarize, type Summary } from '../load/stats'

/** The probe: a Node process like the integration's, timing `count` sequential keep-alive GETs after a warm-up. */
const PROBE = `
const [url, count, warm] = process.argv.slice(1)
setTimeout(async () => {
  const out = []
  for (let i = 0; i < Number(count) + Number(warm); i++) {
    const t = performance.now()
    const res = await fetch(url)
    await res.arrayBuffer()
    if (i >= Number(warm)) out.push(performance.now() - t)
  }
  process.stdout.write(JSON.stringify(out))
}, 300)
`

/**
 * The floor of the latency figures: one bare HTTP round trip to an emulator, measured from a separate Node process on
 * the integration's CPU (the same hop the integration makes), to a cheap route of the emulator.
 */
export async function bareRoundTrip(url: string, count: number, warmup = 200): Promise<Summary> {
  const child = spawn(process.execPath, ['-e', PROBE, url, String(count), String(warmup)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  placeIntegration(child.pid!)
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`floor probe exited with ${code}`)
  return summarize(JSON.parse(out) as number[])
}
