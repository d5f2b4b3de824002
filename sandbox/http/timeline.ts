import type { FastifyInstance } from 'fastify'

/** One thing that crossed the integration, as the emit sites report it (contract §6). */
export type TimelineItem = {
  /** When it happened (for a call: when it started), ms since the epoch. */
  at: number
  source: 'botpress' | 'zoho' | 'integration' | 'bot'
  kind: string
  summary: string
  status?: number | null
  /** The Botpress conversation it concerns (the visitor's or the hitl one). */
  conversationId?: string
  /** The SalesIQ chat it concerns (its numeric conversation_id). */
  chatId?: string
  /** Index of the integration process that handled it. */
  instance?: number
}

/** A kept row: the item plus `seq`, its arrival number, which tells equal rows apart (the page dedupes by it). */
export type TimelineRow = TimelineItem & { seq: number }

/**
 * What crossed the integration, for the page's timeline: the last N rows, kept in time order, and streamed as
 * server-sent events. Rows arrive late (a call is reported when it returns, stamped with its start), so each one is
 * placed by `at`; rows with the same `at` keep their arrival order.
 */
export class Timeline {
  private readonly rows: TimelineRow[] = []
  private readonly listeners = new Set<(row: TimelineRow) => void>()
  private seq = 0
  constructor(private readonly max = 500) {}

  add(item: TimelineItem): TimelineRow {
    const row = { ...item, seq: ++this.seq }
    let i = this.rows.length
    while (i > 0 && this.rows[i - 1]!.at > row.at) i--
    this.rows.splice(i, 0, row)
    if (this.rows.length > this.max) this.rows.shift()
    for (const l of this.listeners) l(row)
    return row
  }

  /** The kept rows, oldest first. */
  list(): TimelineRow[] {
    return [...this.rows]
  }

  register(app: FastifyInstance) {
    app.get('/api/timeline', async () => ({ items: this.list() }))
    app.get('/api/timeline/stream', (req, reply) => {
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      const send = (row: TimelineRow) => reply.raw.write(`data: ${JSON.stringify(row)}\n\n`)
      this.listeners.add(send)
      req.raw.on('close', () => this.listeners.delete(send))
    })
  }
}
