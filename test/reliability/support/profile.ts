/**
 * Two sizes of the same suite: `fast` runs inside `npm test` (CI), `full` runs on demand through
 * `npm run test:reliability` (RELIABILITY_PROFILE=full): more messages per fault, more fuzz cases, 1 000 sessions.
 */
export const PROFILE = process.env.RELIABILITY_PROFILE === 'full' ? 'full' : 'fast'
export const FULL = PROFILE === 'full'

export const scale = <T>(fast: T, full: T): T => (FULL ? full : fast)
