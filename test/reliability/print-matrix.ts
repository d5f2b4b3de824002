import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { RESULTS_DIR, ROWS_FILE, type Row } from './support/matrix'

/** Prints the reliability matrix from test-results/reliability/rows.jsonl (written by the tests), and the secret scans. */
const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : []
const rows = lines(ROWS_FILE) as Array<Row & { profile: string }>
const scans = lines(path.join(RESULTS_DIR, 'scans.jsonl')) as Array<{ bytes: number; leaks: number }>

const cols: Array<[string, (r: Row) => string]> = [
  ['fault', (r) => r.fault],
  ['where', (r) => r.where],
  ['sent', (r) => String(r.sent)],
  ['delivered', (r) => String(r.delivered + (r.uncertain ?? 0))],
  ['told', (r) => String(r.told ?? 0)],
  ['dup', (r) => String(r.duplicated)],
  ['lost', (r) => String(r.lost)],
  ['retries', (r) => (r.retries === undefined ? '' : String(r.retries))],
  ['outcome', (r) => r.outcome],
]
const table = rows.map((r) => cols.map(([, f]) => f(r)))
const width = cols.map(([h], i) => Math.max(h.length, ...table.map((t) => t[i]!.length)))
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`
console.log(`\nReliability matrix (${rows[0]?.profile ?? 'no'} profile, ${rows.length} rows)\n`)
console.log(fmt(cols.map(([h]) => h)))
console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`)
for (const t of table) console.log(fmt(t))
const sum = (k: keyof Row) => rows.reduce((n, r) => n + Number(r[k] ?? 0), 0)
console.log(
  `\nTotals: sent ${sum('sent')}, delivered ${sum('delivered') + sum('uncertain')}, sender told ${sum('told')}, duplicated ${sum('duplicated')}, lost ${sum('lost')}, retries ${sum('retries')}`
)
console.log(
  `Secret scans: ${scans.length} stacks, ${scans.reduce((n, s) => n + s.bytes, 0)} bytes scanned, ${scans.reduce((n, s) => n + s.leaks, 0)} secrets found`
)
