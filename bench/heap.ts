import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sleep } from './load/generator'

/**
 * Retained memory, not just RSS: integration processes started while this is enabled run with --expose-gc and a
 * preloaded handler that, on SIGUSR2, collects garbage and writes process.memoryUsage() to <dir>/<pid>.json.
 */
const DIR = path.join(tmpdir(), `zoho-bench-heap-${process.pid}`)

export function enableHeapProbe(): void {
  mkdirSync(DIR, { recursive: true })
  const preload = path.join(DIR, 'heap-probe.cjs')
  writeFileSync(
    preload,
    `process.on('SIGUSR2', () => { global.gc(); require('node:fs').writeFileSync(${JSON.stringify(DIR)} + '/' + process.pid + '.json', JSON.stringify(process.memoryUsage())) })\n`
  )
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --expose-gc --require=${preload}`.trim()
}

export type Heap = { rssMb: number; heapUsedMb: number; externalMb: number }

/** Memory of a probed process right after a full GC. */
export async function heapAfterGc(pid: number): Promise<Heap | undefined> {
  const file = path.join(DIR, `${pid}.json`)
  rmSync(file, { force: true })
  process.kill(pid, 'SIGUSR2')
  for (let i = 0; i < 100; i++) {
    await sleep(20)
    try {
      const m = JSON.parse(readFileSync(file, 'utf8')) as NodeJS.MemoryUsage
      const mb = (b: number) => Math.round((b / 1048576) * 10) / 10
      return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external + m.arrayBuffers) }
    } catch {
      // not written yet
    }
  }
  return undefined
}
