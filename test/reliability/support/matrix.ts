import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { PROFILE } from './profile'

/**
 * One row of the reliability matrix: a fault, where it was injected, and what the visitor and the operator ended
 * up seeing. `lost` and `duplicated` must be 0; `told` counts messages whose sender was told they were not
 * delivered (a RuntimeError / a notice); `uncertain` those reported as "may have arrived" that did arrive once.
 */
export type Row = {
  fault: string
  where: string
  sent: number
  delivered: number
  duplicated: number
  lost: number
  told?: number
  uncertain?: number
  retries?: number
  outcome: string
}

export const RESULTS_DIR = path.resolve(__dirname, '../../../test-results/reliability')
export const ROWS_FILE = path.join(RESULTS_DIR, 'rows.jsonl')

/** Appends the row (one JSON line; O_APPEND keeps lines of parallel test files whole). */
export function record(row: Row): Row {
  mkdirSync(RESULTS_DIR, { recursive: true })
  appendFileSync(ROWS_FILE, `${JSON.stringify({ ...row, profile: PROFILE, at: Date.now() })}\n`)
  return row
}

/** The outcome column for a tally of messages. */
export function outcome(t: { told: number; uncertain: number; lost: number; duplicated: number }) {
  if (t.lost || t.duplicated) return 'FAIL'
  if (t.told || t.uncertain)
    return `ok: ${t.told} reported to the visitor${t.uncertain ? `, ${t.uncertain} "may have arrived"` : ''}`
  return 'ok: all delivered'
}
