import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { BUNDLE } from '../sandbox/runtime/integration-process'

/**
 * `--profile`: integration processes started from now on write a V8 CPU profile when they stop (SIGTERM);
 * `summarizeProfiles` attributes self time to the bundle's modules (esbuild's `// path` comments) and functions.
 */
export function enableProfiling(dir: string): void {
  mkdirSync(dir, { recursive: true })
  // --cpu-prof is not allowed in NODE_OPTIONS: a preloaded inspector session does the same, and writes on SIGTERM.
  const preload = path.join(dir, 'cpu-profile.cjs')
  writeFileSync(
    preload,
    `const inspector = require('node:inspector'), fs = require('node:fs')
const s = new inspector.Session(); s.connect()
s.post('Profiler.enable', () => s.post('Profiler.start'))
process.on('SIGTERM', () => s.post('Profiler.stop', (err, r) => {
  if (!err) fs.writeFileSync(${JSON.stringify(dir)} + '/' + process.pid + '.cpuprofile', JSON.stringify(r.profile))
  process.exit(0)
}))
`
  )
  process.env.NODE_OPTIONS = `--require=${preload}`
}

export function disableProfiling(): void {
  delete process.env.NODE_OPTIONS
}

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

function moduleIndex(): Array<[number, string]> {
  const lines = readFileSync(BUNDLE, 'utf8').split('\n')
  const out: Array<[number, string]> = []
  lines.forEach((l, i) => {
    const m = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(l)
    if (m) out.push([i, m[1]!.replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*/, '$1')])
  })
  return out
}

export function summarizeProfiles(
  dir: string,
  top = 25
): { byModule: Array<[string, number]>; byFunction: Array<[string, number]>; totalMs: number } {
  const modules = moduleIndex()
  const moduleAt = (line: number) => {
    let lo = 0
    let hi = modules.length - 1
    let found = 'bundle prelude'
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (modules[mid]![0] <= line) {
        found = modules[mid]![1]
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }
  const byModule = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let totalMs = 0
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000
      const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
      const where =
        url.endsWith('index.cjs') && url.includes('.botpress')
          ? moduleAt(lineNumber)
          : url
            ? url.replace(/^.*node_modules\//, '').replace(/^node:/, 'node:')
            : `(${functionName || 'native'})`
      totalMs += ms
      byModule.set(where, (byModule.get(where) ?? 0) + ms)
      const fn = `${functionName || '(anonymous)'} @ ${where}`
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms)
    })
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  return { byModule: sorted(byModule), byFunction: sorted(byFunction), totalMs }
}
