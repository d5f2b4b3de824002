import { EventEmitter } from 'node:events'
import { ApiError } from '../botpress/errors'
import type { BotpressEmulator } from '../botpress/server'
import { newId } from '../botpress/store'
import type { EmulatorEventMap, Message } from '../botpress/types'
import type { BotProcess } from './bot-process'
import type { IntegrationPool } from './integration-pool'
import type { ProtocolAnswer } from './protocol'
import { WEBCHAT, Webchat } from './webchat'

type MessageEvent = EmulatorEventMap['message.created'][0]
type DueEvent = EmulatorEventMap['event.due'][0]

/**
 * An in-process stand-in for the bot, for `startStack({ bot: false })`: the load generator plays the bot through
 * it. With a bot process the runtime speaks the bot protocol instead.
 */
export interface RuntimeBot {
  onVisitorMessage(e: MessageEvent): Promise<void>
  onHitlMessage(e: MessageEvent): Promise<void>
  onEvent(e: DueEvent): Promise<void>
  onDeliveryFailed(e: MessageEvent, error: string): Promise<void>
}

export type TimelineEntry = {
  at: number
  /** integration: a call to an integration process; bot: a delivery to the bot process; botpress: action routing. */
  source: 'integration' | 'bot' | 'botpress'
  operation: string
  summary: string
  status: number
  ms: number
  conversationId?: string
  chatId?: string
  /** Index of the integration process that handled it. */
  instance?: number
}

export type WebhookRequest = {
  method: string
  path: string
  query: string
  headers: Record<string, string>
  body?: string
}

export class ActionError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export { WEBCHAT, WEBCHAT_CHANNEL } from './webchat'

/**
 * The part of Botpress that runs an integration and a bot around the API emulator:
 * - integration protocol: register, actions, `message_created` for what the bot writes in a hitl conversation,
 *   `webhook_received` for whatever reaches the webhook URL;
 * - bot protocol: messages an integration creates (the visitor's, the agent's) and due events reach the bot as
 *   `event_received`; an integration's events are typed `<alias>:<name>`;
 * - `POST /v1/chat/actions`: `<integration>:<action>` to the integration, `webchat:*` to the emulated webchat,
 *   anything else (`hitl#startHitl`, the bot's own actions) to the bot.
 */
export class BotpressRuntime {
  readonly timeline = new EventEmitter<{ entry: [TimelineEntry] }>()
  /** The in-process bot (only with `bot: false`, for the load generator). */
  bot?: RuntimeBot
  botProcess?: BotProcess
  readonly webchat: Webchat
  /** Visitor message id → why the integration refused the copy the bot relayed to the hitl conversation. */
  readonly failures = new Map<string, string>()
  private readonly botId: string

  constructor(
    private readonly emulator: BotpressEmulator,
    readonly pool: IntegrationPool,
    readonly integrationName: string
  ) {
    this.botId = pool.identity.botId
    this.webchat = new Webchat(emulator.url, this.botId)
    emulator.events.on('message.created', (e) => void this.routeMessage(e).catch(report('message')))
    emulator.events.on('event.due', (e) => void this.routeEvent(e).catch(report('event')))
    emulator.routeActions((call) => this.routeAction(call.type, call.input))
  }

  private async routeMessage(e: MessageEvent) {
    const { conversation, caller, message } = e
    if (caller.integrationId === undefined) {
      // The bot wrote it: it goes to the integration that owns the conversation (webchat's are just stored).
      if (conversation.channel === 'hitl' && conversation.integration === this.integrationName)
        await this.deliverToIntegration(e)
      return
    }
    if (conversation.integration === this.integrationName) await this.bot?.onHitlMessage(e)
    else if (conversation.integration === WEBCHAT) await this.bot?.onVisitorMessage(e)
    if (!this.botProcess) return
    const user = this.emulator.bot(e.botId).users.get(message.userId) ?? {
      id: message.userId,
      tags: {},
      createdAt: message.createdAt,
      updatedAt: message.createdAt,
    }
    await this.deliverToBot('message_created', `${message.type} from ${conversation.integration}`, conversation.id, {
      id: newId('evt'),
      type: 'message_created',
      payload: { message, user, conversation },
      conversationId: conversation.id,
      userId: message.userId,
      messageId: message.id,
      createdAt: message.createdAt,
    })
  }

  private async deliverToIntegration(e: MessageEvent) {
    const { conversation, message } = e
    const answer = await this.timed('message_created', `${message.type} → hitl ${conversation.id}`, conversation.id, {
      type: message.type,
      payload: message.payload,
      conversation,
      message,
      user: { id: message.userId, tags: {}, createdAt: message.createdAt, updatedAt: message.createdAt },
    })
    if (answer.status < 300) return
    const error = errorMessage(answer.body)
    const original = this.relayedFrom(e)
    if (original) this.failures.set(original.id, error)
    await this.bot?.onDeliveryFailed(e, error)
  }

  /**
   * The visitor message a relayed copy came from. The plugin relays a visitor message to the hitl conversation with
   * the same type and payload plus `payload.userId`, and tags the hitl conversation with its upstream conversation:
   * the newest incoming message there with that content, written before the copy.
   */
  private relayedFrom({ botId, conversation, message }: MessageEvent): Message | undefined {
    const upstream = conversation.tags['hitl#upstream']
    if (!upstream) return undefined
    const store = this.emulator.bot(botId)
    const { userId: _u, ...content } = message.payload
    const same = JSON.stringify(content)
    const candidates = [...(store.messagesByConversation.get(upstream) ?? [])]
      .map((id) => store.messages.get(id))
      .filter((m): m is Message => !!m && m.direction === 'incoming' && m.createdAt <= message.createdAt)
      .reverse()
    return candidates.find((m) => m.type === message.type && JSON.stringify(m.payload) === same)
  }

  private async routeEvent(e: DueEvent) {
    const { caller, event } = e
    await this.bot?.onEvent(e)
    if (!this.botProcess) return
    // An integration's event reaches the bot under its alias (`zoho-salesiq-hitl:hitlAssigned`); the bot's own as is.
    const creator = caller.integrationAlias ?? caller.integrationId
    const type = creator ? `${creator}:${event.type}` : event.type
    // As the bot protocol carries it: {id, type, payload, conversationId?, userId?, messageId?, createdAt}.
    const { status: _s, failureReason: _f, ...delivered } = event
    const answer = await this.deliverToBot(type, type, event.conversationId, { ...delivered, type })
    this.emulator.settleEvent(
      e.botId,
      event.id,
      answer.status < 300 ? 'processed' : 'failed',
      answer.status < 300 ? null : errorMessage(answer.body)
    )
  }

  private async deliverToBot(type: string, summary: string, conversationId: string | undefined, event: unknown) {
    const started = Date.now()
    const answer = await this.botProcess!.call('event_received', type, { event })
    this.emit({
      at: started,
      source: 'bot',
      operation: 'event_received',
      summary,
      status: answer.status,
      ms: Date.now() - started,
      ...this.where(conversationId),
    })
    return answer
  }

  private async routeAction(type: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const started = Date.now()
    const separator = type.indexOf(':')
    const [owner, name] = separator > 0 ? [type.slice(0, separator), type.slice(separator + 1)] : [undefined, type]
    let status = 200
    let failure = ''
    try {
      if (owner === this.integrationName)
        return await this.callAction(
          name,
          input,
          typeof input.conversationId === 'string' ? input.conversationId : undefined
        )
      if (owner === WEBCHAT) return await this.webchat.callAction(name, input)
      if (owner !== undefined)
        throw new ApiError('ResourceNotFound', `Action "${type}": no integration "${owner}" is installed on this bot`)
      if (!this.botProcess)
        throw new ApiError('ResourceNotFound', `Action "${type}": the sandbox runs no bot process to answer it`)
      const answer = await this.botProcess.call('action_triggered', type, { type, input })
      if (answer.status >= 300) throw passedOn(answer)
      return (answer.body as { output?: Record<string, unknown> })?.output ?? {}
    } catch (err) {
      status = err instanceof ApiError || err instanceof ActionError ? err.status : 500
      failure = err instanceof Error ? err.message : String(err)
      if (err instanceof ActionError) throw new ApiError('Runtime', err.message, err.status)
      throw err
    } finally {
      const conversationId = typeof input.conversationId === 'string' ? input.conversationId : undefined
      this.emit({
        at: started,
        source: 'botpress',
        operation: 'callAction',
        // A failed action is seen nowhere else when the bot says nothing about it (the HITL plugin doesn't).
        summary: `${type} → ${owner ?? 'bot'}${failure ? ` failed: ${failure}` : ''}`,
        status,
        ms: Date.now() - started,
        ...this.where(conversationId),
      })
    }
  }

  private emit(entry: TimelineEntry) {
    this.timeline.emit('entry', entry)
  }

  /** The conversation a row is about, and the SalesIQ chat of a hitl conversation (its `chatId` tag). */
  private where(conversationId: string | undefined): { conversationId?: string; chatId?: string } {
    if (!conversationId) return {}
    const chatId = this.emulator.bot(this.botId).conversations.get(conversationId)?.tags.chatId
    return chatId ? { conversationId, chatId } : { conversationId }
  }

  private async timed(operation: string, summary: string, key: string | undefined, body: unknown, chatId?: string) {
    const started = Date.now()
    const answer = await this.pool.call(operation, body, key)
    this.emit({
      at: started,
      source: 'integration',
      operation,
      summary,
      status: answer.status,
      ms: Date.now() - started,
      instance: answer.instance,
      ...(chatId ? { chatId } : {}),
      ...this.where(key),
    })
    return answer
  }

  async register(webhookUrl: string): Promise<void> {
    const answer = await this.timed('register', webhookUrl, undefined, { webhookUrl })
    if (answer.status >= 300) throw new ActionError('register', answer.status, errorMessage(answer.body))
  }

  async unregister(webhookUrl: string): Promise<void> {
    await this.timed('unregister', webhookUrl, undefined, { webhookUrl })
  }

  /** An action of the integration; a RuntimeError comes back as an ActionError with the integration's message. */
  async callAction<T = Record<string, unknown>>(
    type: string,
    input: Record<string, unknown>,
    key?: string
  ): Promise<T> {
    const answer = await this.timed('action_triggered', type, key, { type, input })
    if (answer.status >= 300) throw new ActionError(type, answer.status, errorMessage(answer.body))
    return ((answer.body as { output?: T })?.output ?? {}) as T
  }

  /** Whatever reaches the public webhook URL, forwarded as webhook_received; the integration's answer goes back. */
  async forwardWebhook(req: WebhookRequest): Promise<{ status: number; headers: Headers; body: string }> {
    const answer = await this.timed(
      'webhook_received',
      `${req.method} ${req.path || '/'}`,
      undefined,
      { req },
      chatOf(req.body)
    )
    return { status: answer.status, headers: answer.headers, body: answer.text }
  }
}

export function errorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message)
  return typeof body === 'string' ? body : JSON.stringify(body)
}

/** The SalesIQ chat a webhook delivery is about (`entity_id` of a `conversation.*` event), for the timeline. */
function chatOf(body: string | undefined): string | undefined {
  if (!body?.includes('"conversation.')) return undefined
  try {
    const envelope = JSON.parse(body) as { event?: unknown; entity_id?: unknown }
    return typeof envelope.entity_id === 'string' && String(envelope.event).startsWith('conversation.')
      ? envelope.entity_id
      : undefined
  } catch {
    return undefined
  }
}

/** A bot's or integration's error answer, as the API passes it on to the caller of callAction. */
function passedOn(answer: ProtocolAnswer): ApiError {
  const body = answer.body as { type?: unknown } | undefined
  const type = typeof body?.type === 'string' ? body.type : 'Runtime'
  return new ApiError(type as 'Runtime', errorMessage(answer.body), answer.status)
}

const report = (what: string) => (err: unknown) => console.error(`[runtime] ${what} handling failed:`, err)
