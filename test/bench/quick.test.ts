import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')

/**
 * `npm run bench -- --quick`: the benchmarks' CI profile. It exits non-zero when a figure is insane (bench/sanity.ts):
 * anything lost or duplicated, or API calls over their floors. No timing is asserted.
 */
describe('benchmarks, quick profile', () => {
  it('runs, loses and duplicates nothing, and meets its sanity bounds', async () => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/run.ts', '--quick'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code, output).toBe(0)

    const results = JSON.parse(readFileSync(path.join(ROOT, 'bench/results.quick.json'), 'utf8'))
    expect(results.problems).toEqual([])
    const figure = (key: string) => results.figures.find((f: { key: string }) => f.key === key)?.value
    expect(figure('zohoPerVisitor')).toBeCloseTo(1, 1)
    expect(figure('tokensPerLifetime')).toBeLessThanOrEqual(2)
    expect(figure('throughput')).toBeGreaterThan(0)
    const row = (key: string) => results.figures.find((f: { key: string }) => f.key === key)
    for (const key of ['visitorP50', 'visitorP99', 'operatorP50', 'operatorP99']) expect(figure(key)).toBeGreaterThan(0)
    // Beside each latency, CPU and msg/s figure: the SDK-only floor, measured in the same run.
    for (const key of ['visitorP50', 'operatorP50', 'throughput', 'integrationCpu'])
      expect(row(key)?.floor).toBeGreaterThan(0)
    // The whole path through the sandbox's bot, and the delays of the plugin's activation.
    for (const key of ['path0VisitorP50', 'path0OperatorP50', 'path0Joined', 'path0FirstReply'])
      expect(figure(key)).toBeGreaterThan(0)
    // Foreign deliveries: measured (their floors are checked by bench/sanity.ts, so `problems` above).
    expect(figure('foreignFirst')).toBeGreaterThan(0)
    expect(figure('foreignRepeated')).toBeGreaterThanOrEqual(0)
  }, 180_000)
})
