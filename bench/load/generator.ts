import type { Stack } from '../../sandbox/stack'
import { Ledger, type MessageRecord, type Tally } from './ledger'
import { Observers } from './observers'
import { openSessions, operatorReply, prepareDesk, type Session } from './sessions'
import { summarize, type Summary } from './stats'
import { TextIds, type Direction } from './texts'

export type DriveOptions = {
  /** Messages per session, both directions together. */
  messagesPerSession: number
  /** Share of the messages written by the operator (0 = visitor only, 1 = operator only). */
  operatorShare: number
  /** Messages in flight at once (sent, not yet arrived or failed visibly): a closed loop. */
  concurrency: number
  /** The first N messages are sent but left out of the latency figures. */
  warmup?: number
  /** How long one message may take before the worker moves on (it may still arrive, or be counted lost). */
  messageTimeoutMs?: number
  /** After the last send, how long to wait for stragglers (webhook retries need more). */
  settleTimeoutMs?: number
  /** Fault hook: called before each send (inject or clear faults, pause, …). */
  beforeSend?: (n: number, direction: Direction, session: Session) => void | Promise<void>
}

export type DirectionReport = Tally & { latency: Summary; endToEnd: Summary }

export type DriveReport = {
  elapsedMs: number
  /** Messages that arrived, per second of the run (both directions). */
  deliveredPerSec: number
  visitor: DirectionReport
  operator: DirectionReport
  /** Requests the integration made during the run, by operation. */
  zohoCalls: Record<string, number>
  botpressCalls: Record<string, number>
  /** Events the integration created that reached the bot (hitlAssigned, hitlStopped, …). */
  events: Record<string, number>
  /** A few messages that were lost or failed, for the log. */
  samples: Array<Pick<MessageRecord, 'id' | 'direction' | 'session' | 'failures' | 'attempts'>>
}

/** Deterministic direction per message: the same plan for the same options. */
const directionOf = (n: number, share: number): Direction =>
  ((n * 2654435761) >>> 0) % 1000 < share * 1000 ? 'operator' : 'visitor'

/**
 * The one load generator (benchmarks and the reliability suite): opens HITL sessions the way the HITL plugin does
 * and drives messages both ways through the real paths — the bot writes in the hitl conversation through the
 * Botpress API emulator (the runtime then delivers `message_created`), the operator replies through the Zoho emulator
 * (signed webhook → ingress → integration → Botpress). It counts sent, delivered, duplicated, lost, retries and
 * latency per message. The stack must be started with `bot: false` (the generator plays the bot).
 */
export class LoadGenerator {
  readonly ledger = new Ledger()
  readonly ids = new TextIds()
  readonly observers: Observers
  sessions: Session[] = []
  private sent = 0

  constructor(readonly stack: Stack) {
    this.observers = new Observers(stack, this.ledger, this.ids).attach()
  }

  /** Makes the desk take every chat, then opens `count` sessions (createUser + startHitl). */
  async open(count: number, concurrency = 16): Promise<Session[]> {
    await prepareDesk(this.stack)
    const opened = await openSessions(this.stack, count, concurrency, `${this.ids.tag}-${this.sessions.length}-`)
    this.sessions.push(...opened)
    return opened
  }

  /**
   * Waits until every open session's hitlAssigned reached the bot (it is scheduled after the plugin's activation),
   * then `settleMs` more: until then the integration may still hold operator messages back for the plugin, which is
   * the start of a session, not its steady state.
   */
  async steady(settleMs: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while ((this.observers.events.since().hitlAssigned ?? 0) < this.sessions.length && Date.now() < deadline)
      await sleep(50)
    await sleep(settleMs)
  }

  async drive(opts: DriveOptions, sessions = this.sessions): Promise<DriveReport> {
    if (!sessions.length) throw new Error('open sessions first')
    const totalMessages = sessions.length * opts.messagesPerSession
    const first = this.sent
    const zohoBefore = this.observers.zohoCalls.snapshot()
    const bpBefore = this.observers.botpressCalls.snapshot()
    const eventsBefore = this.observers.events.snapshot()
    const timeout = opts.messageTimeoutMs ?? 10_000
    const started = performance.now()
    let i = 0
    const worker = async () => {
      while (i < totalMessages) {
        const k = i++
        const session = sessions[k % sessions.length]!
        const direction = directionOf(first + k, opts.operatorShare)
        await opts.beforeSend?.(k, direction, session)
        const id = await this.send(session, direction, k < (opts.warmup ?? 0))
        await this.ledger.until(id, timeout)
      }
    }
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, totalMessages) }, worker))
    const mine = (r: MessageRecord) => Number(r.id.split('_')[2]) >= first
    const deadline = Date.now() + (opts.settleTimeoutMs ?? 5_000)
    while (this.ledger.unsettled(this.ledger.select(mine)).length && Date.now() < deadline) await sleep(50)
    const elapsedMs = performance.now() - started
    await sleep(200) // late duplicates
    this.observers.drainBotpressLog()

    const records = this.ledger.select(mine)
    const report = (d: Direction): DirectionReport => {
      const list = records.filter((r) => r.direction === d)
      return {
        ...Ledger.tally(list),
        latency: summarize(Ledger.latencies(list)),
        endToEnd: summarize(Ledger.endToEnd(list)),
      }
    }
    const visitor = report('visitor')
    const operator = report('operator')
    return {
      elapsedMs,
      deliveredPerSec: ((visitor.delivered + operator.delivered) * 1000) / elapsedMs,
      visitor,
      operator,
      zohoCalls: this.observers.zohoCalls.since(zohoBefore),
      botpressCalls: this.observers.botpressCalls.since(bpBefore),
      events: this.observers.events.since(eventsBefore),
      samples: records
        .filter((r) => !r.arrivals.length)
        .slice(0, 5)
        .map(({ id, direction, session, failures, attempts }) => ({ id, direction, session, failures, attempts })),
    }
  }

  /** Sends one message; returns its id. A send the emulators refuse is recorded as a visible failure. */
  async send(session: Session, direction: Direction, warmup = false): Promise<string> {
    const n = this.sent++
    const id = this.ids.id(n)
    const text = this.ids.text(direction, n)
    this.ledger.sent(id, direction, session.key, warmup)
    try {
      if (direction === 'visitor') await this.botWrites(session, text)
      else await operatorReply(this.stack, session.chatId, text)
    } catch (err) {
      this.ledger.failed(id, `send refused: ${(err as Error).message}`)
    }
    return id
  }

  /** What the HITL plugin does with an end-user message: createMessage in the hitl conversation, as the bot. */
  private async botWrites(session: Session, text: string): Promise<void> {
    const res = await fetch(`${this.stack.botpress.url}/v1/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-id': this.stack.identity.botId },
      body: JSON.stringify({
        conversationId: session.conversationId,
        userId: this.stack.identity.botId,
        type: 'text',
        payload: { text, userId: session.userId },
        tags: {},
      }),
    })
    if (!res.ok) throw new Error(`createMessage → ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
  }

  close(): void {
    this.observers.detach()
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
