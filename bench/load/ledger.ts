import type { Direction } from './texts'

/** Where a message was tried: SalesIQ's send API, a webhook delivery, Botpress's create-message API. */
export type AttemptKind = 'zoho-send' | 'webhook' | 'bp-create'

export type MessageRecord = {
  id: string
  direction: Direction
  session: string
  /** performance.now() when the generator sent it (bot createMessage / operator reply). */
  sentAt: number
  /** When the integration's part began: message_created issued (visitor) / webhook reached the ingress (operator). */
  startAt?: number
  /** Each time it showed up on the far side (SalesIQ chat / Botpress hitl conversation). */
  arrivals: number[]
  attempts: Partial<Record<AttemptKind, number>>
  /** Failures the sender was told about (the bot saw message_created fail; SalesIQ gave up on the webhook). */
  failures: string[]
  /** Excluded from latency figures. */
  warmup: boolean
}

export type Tally = {
  sent: number
  delivered: number
  duplicated: number
  failedReported: number
  lost: number
  retries: number
}

/** Every message the generator sent, and what became of it. Matching is by the unique id inside the text. */
export class Ledger {
  readonly records = new Map<string, MessageRecord>()
  private readonly waiters = new Map<string, () => void>()

  sent(id: string, direction: Direction, session: string, warmup: boolean): MessageRecord {
    const r: MessageRecord = {
      id,
      direction,
      session,
      sentAt: performance.now(),
      arrivals: [],
      attempts: {},
      failures: [],
      warmup,
    }
    this.records.set(id, r)
    return r
  }

  started(id: string, at = performance.now()): void {
    const r = this.records.get(id)
    if (r && r.startAt === undefined) r.startAt = at
  }

  attempt(id: string, kind: AttemptKind): void {
    const r = this.records.get(id)
    if (r) r.attempts[kind] = (r.attempts[kind] ?? 0) + 1
  }

  arrived(id: string, at = performance.now()): void {
    const r = this.records.get(id)
    if (!r) return
    r.arrivals.push(at)
    this.settle(id)
  }

  failed(id: string, reason: string): void {
    const r = this.records.get(id)
    if (!r) return
    r.failures.push(reason)
    this.settle(id)
  }

  private settle(id: string) {
    this.waiters.get(id)?.()
    this.waiters.delete(id)
  }

  isSettled(r: MessageRecord): boolean {
    return r.arrivals.length > 0 || r.failures.length > 0
  }

  /** Resolves when the message arrived or failed visibly, or after `timeoutMs` (then it may still be lost). */
  until(id: string, timeoutMs: number): Promise<void> {
    const r = this.records.get(id)
    if (!r || this.isSettled(r)) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id)
        resolve()
      }, timeoutMs)
      this.waiters.set(id, () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  unsettled(records = [...this.records.values()]): MessageRecord[] {
    return records.filter((r) => !this.isSettled(r))
  }

  select(filter: (r: MessageRecord) => boolean = () => true): MessageRecord[] {
    return [...this.records.values()].filter(filter)
  }

  static tally(records: MessageRecord[]): Tally {
    const t: Tally = { sent: records.length, delivered: 0, duplicated: 0, failedReported: 0, lost: 0, retries: 0 }
    for (const r of records) {
      if (r.arrivals.length) t.delivered++
      else if (r.failures.length) t.failedReported++
      else t.lost++
      t.duplicated += Math.max(0, r.arrivals.length - 1)
      for (const n of Object.values(r.attempts)) t.retries += Math.max(0, (n ?? 0) - 1)
    }
    return t
  }

  /** The integration's share: start → first arrival (ms), warm-up excluded. */
  static latencies(records: MessageRecord[]): number[] {
    return records
      .filter((r) => !r.warmup && r.startAt !== undefined && r.arrivals.length)
      .map((r) => r.arrivals[0]! - r.startAt!)
  }

  /** Sender to far side (ms), warm-up excluded. */
  static endToEnd(records: MessageRecord[]): number[] {
    return records.filter((r) => !r.warmup && r.arrivals.length).map((r) => r.arrivals[0]! - r.sentAt)
  }
}
