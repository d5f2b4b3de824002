import type { FastifyInstance } from 'fastify'

export type TimelineItem = {
  at: number
  source: 'botpress' | 'zoho' | 'integration' | 'bot'
  kind: string
  summary: string
  status?: number | null
  /** The Botpress conversation it is about. */
  conversationId?: string
  /** The SalesIQ chat it is about. */
  chatId?: string
  /** Index of the integration process that handled it. */
  instance?: number
}

/** What crossed the integration, for the page's timeline: kept (last N) and streamed as server-sent events. */
export class Timeline {
  private readonly items: TimelineItem[] = []
  private readonly listeners = new Set<(item: TimelineItem) => void>()
  constructor(private readonly max = 500) {}

  add(item: TimelineItem) {
    this.items.push(item)
    if (this.items.length > this.max) this.items.shift()
    for (const l of this.listeners) l(item)
  }

  list() {
    return [...this.items]
  }

  register(app: FastifyInstance) {
    app.get('/api/timeline', async () => ({ items: this.list() }))
    app.get('/api/timeline/stream', (req, reply) => {
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      const send = (item: TimelineItem) => reply.raw.write(`data: ${JSON.stringify(item)}\n\n`)
      this.listeners.add(send)
      req.raw.on('close', () => this.listeners.delete(send))
    })
  }
}
