import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { BUNDLE } from '../sandbox/runtime/integration-process'

/**
 * `--profile`: integration processes started from now on write a V8 CPU profile when they stop (SIGTERM);
 * `summarizeProfiles` attributes self time to the bundle's modules (esbuild's `// path` comments) and functions.
 */
export function enableProfiling(dir: string): void {
  mkdirSync(dir, { recursive: true })
  // --cpu-prof is not allowed in NODE_OPTIONS: a preloaded inspector session does the same. It starts on SIGWINCH
  // (startProfiling: only the measured load, not the start-up and the sessions' opening) and writes on SIGTERM.
  const preload = path.join(dir, 'cpu-profile.cjs')
  writeFileSync(
    preload,
    `const inspector = require('node:inspector'), fs = require('node:fs')
const s = new inspector.Session(); s.connect()
process.on('SIGWINCH', () => s.post('Profiler.enable', () => s.post('Profiler.start')))
process.on('SIGTERM', () => s.post('Profiler.stop', (err, r) => {
  if (!err) fs.writeFileSync(${JSON.stringify(dir)} + '/' + process.pid + '.cpuprofile', JSON.stringify(r.profile))
  process.exit(0)
}))
`
  )
  process.env.NODE_OPTIONS = `--require=${preload}`
}

/** Starts the profiler of a process started while profiling was enabled (a no-op signal for the others). */
export function startProfiling(pid: number): void {
  if (process.env.NODE_OPTIONS?.includes('cpu-profile.cjs')) process.kill(pid, 'SIGWINCH')
}

export function disableProfiling(): void {
  delete process.env.NODE_OPTIONS
}

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

function moduleIndex(bundle: string): Array<[number, string]> {
  const lines = readFileSync(bundle, 'utf8').split('\n')
  const out: Array<[number, string]> = []
  lines.forEach((l, i) => {
    // `// src/…`, `// node_modules/…` (also `// ../../x/node_modules/…` when node_modules is a symlink)
    const m = /^\/\/ (?:\S*?\/)?((?:node_modules|src|bench)\/\S+)$/.exec(l)
    if (m) out.push([i, m[1]!.replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*/, '$1')])
  })
  return out
}

/** Whose code a module is: ours (src/), the SDK and its client, other packages, Node, V8 (GC, idle, …). */
export function ownerOf(where: string): string {
  if (where.startsWith('src/') || where.startsWith('bench/')) return "ours (src/, or the floor bundle's own code)"
  if (where.startsWith('@botpress/') || where === 'axios' || where === 'bundle prelude')
    return '@botpress/sdk + @botpress/client (axios)'
  if (where.startsWith('node:') || where.startsWith('internal/') || where.startsWith('undici'))
    return 'Node (http, undici, streams)'
  if (where.startsWith('(')) return `V8 ${where}`
  return `other packages (${where.split('/')[0]})`
}

export type ProfileSummary = {
  byOwner: Array<[string, number]>
  byModule: Array<[string, number]>
  byFunction: Array<[string, number]>
  /** Busy time sampled (idle left out), and the idle time. */
  totalMs: number
  idleMs: number
  /** Busy time with our code on the stack (what it calls included: the SDK's client, zod, fetch). */
  underOursMs: number
}

/** Self time of the profiles of processes `pids` (all in `dir` when omitted), against the bundle they ran. */
export function summarizeProfiles(
  dir: string,
  opts: { bundle?: string; pids?: number[] } = {},
  top = 25
): ProfileSummary {
  const modules = moduleIndex(opts.bundle ?? BUNDLE)
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
  const byOwner = new Map<string, number>()
  const byModule = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let totalMs = 0
  let idleMs = 0
  let underOursMs = 0
  const wanted = (f: string) => !opts.pids || opts.pids.includes(Number(f.split('.')[0]))
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && wanted(f))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
    const parent = new Map<number, number>()
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
    const whereOf = ({ functionName, url, lineNumber }: Node['callFrame']) =>
      url.endsWith('index.cjs') && url.replace(/^file:\/\//, '') === (opts.bundle ?? BUNDLE)
        ? moduleAt(lineNumber)
        : url
          ? url.replace(/^.*node_modules\//, '')
          : `(${functionName || 'native'})`
    // Per node: is one of its callers our code (src/, or the floor's own bench/ file)? the profiler's own work?
    const under = new Map<number, { ours: boolean; profiler: boolean }>()
    const ancestry = (id: number): { ours: boolean; profiler: boolean } => {
      const known = under.get(id)
      if (known) return known
      const { callFrame } = nodes.get(id)!
      const where = whereOf(callFrame)
      const up = parent.has(id) ? ancestry(parent.get(id)!) : { ours: false, profiler: false }
      const result = {
        ours: up.ours || where.startsWith('src/') || where.startsWith('bench/'),
        profiler: up.profiler || callFrame.url === 'node:inspector' || callFrame.url.endsWith('cpu-profile.cjs'),
      }
      under.set(id, result)
      return result
    }
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000
      const { callFrame } = nodes.get(id)!
      const { functionName } = callFrame
      const where = whereOf(callFrame)
      const { ours, profiler } = ancestry(id)
      if (profiler) return // writing the profile itself
      if (functionName === '(idle)') {
        idleMs += ms
        return
      }
      totalMs += ms
      if (ours) underOursMs += ms
      byModule.set(where, (byModule.get(where) ?? 0) + ms)
      byOwner.set(ownerOf(where), (byOwner.get(ownerOf(where)) ?? 0) + ms)
      const fn = `${functionName || '(anonymous)'} @ ${where}`
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms)
    })
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  return {
    byOwner: sorted(byOwner),
    byModule: sorted(byModule),
    byFunction: sorted(byFunction),
    totalMs,
    idleMs,
    underOursMs,
  }
}
