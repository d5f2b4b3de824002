/** Percentiles of a latency sample (ms), nearest-rank. */
export type Summary = { n: number; p50: number; p90: number; p99: number; max: number; mean: number }

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]! : NaN)
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1]! : NaN, mean }
}

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v)
