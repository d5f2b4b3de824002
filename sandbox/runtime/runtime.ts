import { EventEmitter } from 'node:events'
import type { EmulatorEventMap } from '../botpress/types'
import type { IntegrationPool } from './integration-pool'

/** What the bot on top of the runtime is told (the HITL plugin's hooks). */
export interface RuntimeBot {
  onVisitorMessage(e: EmulatorEventMap['message.created'][0]): Promise<void>
  onHitlMessage(e: EmulatorEventMap['message.created'][0]): Promise<void>
  onEvent(e: EmulatorEventMap['event.due'][0]): Promise<void>
  onDeliveryFailed(e: EmulatorEventMap['message.created'][0], error: string): Promise<void>
}

export type TimelineEntry = {
  at: number
  source: 'integration'
  operation: string
  summary: string
  status: number
  ms: number
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

/** The channel the sandbox's own visitor chat uses (the page plays the webchat integration). */
export const WEBCHAT = 'webchat'

/**
 * The part of Botpress that drives an integration: it calls the integration over the integration protocol
 * (register, actions, message_created for what the bot writes in a hitl conversation, webhook_received for whatever
 * reaches the webhook URL) and hands what the integration creates (messages, due events) to the bot.
 */
export class BotpressRuntime {
  readonly timeline = new EventEmitter<{ entry: [TimelineEntry] }>()
  bot?: RuntimeBot

  constructor(
    private readonly events: EventEmitter<EmulatorEventMap>,
    readonly pool: IntegrationPool,
    readonly integrationName: string
  ) {
    events.on('message.created', (e) => void this.routeMessage(e))
    events.on('event.due', (e) => void this.bot?.onEvent(e).catch(report('event')))
  }

  private async routeMessage(e: EmulatorEventMap['message.created'][0]) {
    const { conversation, caller, message } = e
    try {
      if (conversation.channel === 'hitl' && conversation.integration === this.integrationName) {
        if (caller.integrationId) return await this.bot?.onHitlMessage(e)
        const answer = await this.timed(
          'message_created',
          `${message.type} → hitl ${conversation.id}`,
          conversation.id,
          {
            type: message.type,
            payload: message.payload,
            conversation,
            message,
            user: { id: message.userId, tags: {}, createdAt: message.createdAt, updatedAt: message.createdAt },
          }
        )
        if (answer.status >= 300) await this.bot?.onDeliveryFailed(e, errorMessage(answer.body))
      } else if (conversation.channel === WEBCHAT && caller.integrationId === WEBCHAT) {
        await this.bot?.onVisitorMessage(e)
      }
    } catch (err) {
      report('message')(err)
    }
  }

  private async timed(operation: string, summary: string, key: string | undefined, body: unknown) {
    const started = Date.now()
    const answer = await this.pool.call(operation, body, key)
    this.timeline.emit('entry', {
      at: started,
      source: 'integration',
      operation,
      summary,
      status: answer.status,
      ms: Date.now() - started,
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
    const answer = await this.timed('webhook_received', `${req.method} ${req.path || '/'}`, undefined, { req })
    return { status: answer.status, headers: answer.headers, body: answer.text }
  }
}

export function errorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message)
  return typeof body === 'string' ? body : JSON.stringify(body)
}

const report = (what: string) => (err: unknown) => console.error(`[runtime] ${what} handling failed:`, err)
