import { invalid } from './errors'

/** Timers for scheduled events/messages, all cancelled at once on reset and close. */
export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>()

  /** Run `fn` after `ms`; `key` lets a scheduled event be cancelled. */
  at(key: string, ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(key)
        fn()
      },
      Math.max(0, ms)
    )
    timer.unref()
    this.timers.set(key, timer)
  }

  cancel(key: string): boolean {
    const timer = this.timers.get(key)
    if (!timer) return false
    clearTimeout(timer)
    this.timers.delete(key)
    return true
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}

export type Schedule = { delay?: number; dateTime?: string }

/** Milliseconds until a `schedule: {delay?, dateTime?}` is due (delay wins when both are given). */
export function delayOf(schedule: Schedule): number {
  if (schedule.delay !== undefined) return schedule.delay
  if (schedule.dateTime !== undefined) {
    const at = Date.parse(schedule.dateTime)
    if (Number.isNaN(at))
      throw invalid(`Invalid input: "schedule.dateTime" must be an ISO 8601 date, got "${schedule.dateTime}"`)
    return at - Date.now()
  }
  throw invalid('Invalid input: "schedule" needs "delay" (ms) or "dateTime" (ISO 8601)')
}
