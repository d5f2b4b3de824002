import type { EmulatorEventMap } from '../../sandbox/botpress/types'
import type { RuntimeBot, WebhookRequest } from '../../sandbox/runtime/runtime'
import type { Stack } from '../../sandbox/stack'
import type { ConversationChange } from '../../sandbox/zoho/context'
import type { DeliveryEntry, RequestEntry } from '../../sandbox/zoho/logs'
import { botpressOperation, CallCounter, zohoOperation } from './calls'
import type { Ledger } from './ledger'
import type { TextIds } from './texts'

type MessageEvent = EmulatorEventMap['message.created'][0]

/**
 * Watches both emulators and the runtime, and writes what it sees into the ledger and the call counters:
 * - visitor → operator: starts when the Botpress emulator announces the bot's message in the hitl conversation (the
 *   runtime issues `message_created` to the integration in the same tick); arrives when the Zoho emulator stores the
 *   visitor message in the chat; attempts = SalesIQ send requests carrying the id; a failed `message_created` is the
 *   failure the bot is told about.
 * - operator → visitor: starts when the signed webhook reaches the ingress; arrives when the integration's message
 *   is created in the hitl conversation; attempts = webhook deliveries and Botpress create-message requests.
 * It plays the bot on the runtime (the stack must be started with `bot: false`).
 */
export class Observers {
  readonly zohoCalls = new CallCounter()
  readonly botpressCalls = new CallCounter()
  readonly events = new CallCounter()
  /** Botpress request-log entries that rotated out before they were read (the log keeps 5000). */
  botpressLogGap = 0
  private lastSeq = 0
  private timer?: NodeJS.Timeout
  private readonly undo: Array<() => void> = []

  constructor(
    private readonly stack: Stack,
    private readonly ledger: Ledger,
    private readonly ids: TextIds
  ) {}

  attach(): this {
    const { stack, ledger, ids } = this
    if (stack.botProcess) throw new Error('The load generator plays the bot: start the stack with { bot: false }')
    this.lastSeq = stack.botpress.requests().at(-1)?.seq ?? 0

    const onBpMessage = ({ caller, conversation, message }: MessageEvent) => {
      if (conversation.channel !== 'hitl') return
      const id = ids.find(message.payload.text)
      if (!id) return
      if (caller.integrationId) ledger.arrived(id)
      else ledger.started(id)
    }
    const onConversation = (c: ConversationChange) => {
      if (c.type !== 'visitor.message') return
      const id = ids.find(c.detail?.text)
      if (id) ledger.arrived(id)
    }
    const onZohoRequest = (r: RequestEntry) => {
      const op = zohoOperation(r.method, r.path)
      this.zohoCalls.add(op)
      if (r.status === null || r.status >= 300) this.zohoCalls.add(`${op} → ${r.status ?? 'no answer'}`)
      if (op === 'sendVisitorMessage') {
        const id = ids.find((r.body as { text?: unknown } | undefined)?.text)
        if (id) ledger.attempt(id, 'zoho-send')
      }
    }
    const onDelivery = (d: DeliveryEntry) => {
      if (d.event !== 'conversation.operator.replied') return
      const id = ids.find(d.body)
      if (!id) return
      ledger.attempt(id, 'webhook')
      const failed = d.status === null || d.status >= 300
      if (failed && d.attempt > stack.zoho.ctx.settings.webhookMaxRetries)
        ledger.failed(id, `SalesIQ gave up delivering the webhook (last: ${d.status ?? d.error})`)
    }
    stack.botpress.events.on('message.created', onBpMessage)
    stack.zoho.events.on('conversation', onConversation)
    stack.zoho.events.on('request', onZohoRequest)
    stack.zoho.events.on('delivery', onDelivery)
    this.undo.push(() => {
      stack.botpress.events.off('message.created', onBpMessage)
      stack.zoho.events.off('conversation', onConversation)
      stack.zoho.events.off('request', onZohoRequest)
      stack.zoho.events.off('delivery', onDelivery)
    })

    // The ingress hands every webhook to runtime.forwardWebhook: note when an operator message reached it.
    const runtime = stack.runtime
    const forward = runtime.forwardWebhook.bind(runtime)
    runtime.forwardWebhook = (req: WebhookRequest) => {
      const id = ids.find(req.body)
      if (id) ledger.started(id)
      return forward(req)
    }
    this.undo.push(() => void delete (runtime as { forwardWebhook?: unknown }).forwardWebhook)

    runtime.bot = this.recorderBot()
    this.undo.push(() => (runtime.bot = undefined))

    this.timer = setInterval(() => this.drainBotpressLog(), 50)
    this.undo.push(() => clearInterval(this.timer))
    return this
  }

  /** Reads the Botpress emulator's request log up to now (call before reading `botpressCalls`). */
  drainBotpressLog(): void {
    const entries = this.stack.botpress.requests()
    const fresh = entries.filter((e) => e.seq > this.lastSeq)
    if (fresh.length && fresh[0]!.seq > this.lastSeq + 1) this.botpressLogGap += fresh[0]!.seq - this.lastSeq - 1
    for (const e of fresh) {
      if (!e.headers['x-integration-id']) continue // the generator's own calls (the bot writing)
      const op = botpressOperation(e.method, e.path)
      this.botpressCalls.add(op)
      if (e.status >= 300 || e.status === 0) this.botpressCalls.add(`${op} → ${e.status || 'dropped'}`)
      if (op === 'createMessage' || op === 'getOrCreateMessage') {
        const id = this.ids.find((e.body as { payload?: { text?: unknown } } | undefined)?.payload?.text)
        if (id) this.ledger.attempt(id, 'bp-create')
      }
    }
    if (fresh.length) this.lastSeq = fresh.at(-1)!.seq
  }

  private recorderBot(): RuntimeBot {
    const { ledger, ids, events } = this
    return {
      onVisitorMessage: async () => undefined,
      onHitlMessage: async () => undefined,
      onEvent: async ({ event }) => events.add(event.type),
      onDeliveryFailed: async ({ message }, error) => {
        const id = ids.find(message.payload.text)
        if (id) ledger.failed(id, `message_created failed: ${error}`)
      },
    }
  }

  detach(): void {
    this.drainBotpressLog()
    for (const f of this.undo.splice(0).reverse()) f()
  }
}
