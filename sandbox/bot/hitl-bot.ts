import { Client } from '@botpress/client'
import { EventEmitter } from 'node:events'
import type { EmulatorEventMap, Message } from '../botpress/types'
import type { BotpressRuntime, RuntimeBot } from '../runtime/runtime'
import { ActionError } from '../runtime/runtime'
import { botReply, ESCALATE_VALUE, wantsHuman } from './replies'
import type { BotStatus, Session } from './session'

type MessageEvent = EmulatorEventMap['message.created'][0]

export const TEXTS = {
  waiting: 'Connecting you with a human agent… please wait.',
  joined: 'A human agent has joined the conversation.',
  left: 'The agent has left the conversation. You are back with the bot.',
  ended: 'You ended the conversation with the agent. You are back with the bot.',
  timeout: 'No agent was available in time. You are back with the bot.',
  escalationFailed: 'Sorry, the handoff to a human failed:',
  notDelivered: 'Your message could not be delivered to the agent:',
}

export type HitlBotOptions = {
  botId: string
  apiUrl: string
  runtime: BotpressRuntime
  /** The plugin's agent-assignment timeout; 0 = none. */
  assignmentTimeoutMs: number
  closeCommand?: string
}

/**
 * A bot that behaves like Botpress's HITL plugin (reference/botpress.md §3), strict where the plugin is strict:
 * events for a hitl conversation that arrive before startHitl returned are dropped; end-user messages are relayed
 * with `userId = botId` and the real author in `payload.userId`; the first agent message's author becomes the agent
 * when no hitlAssigned came; `/end` and the assignment timeout call stopHitl; hitlStopped hands back to the bot.
 */
export class HitlBot implements RuntimeBot {
  readonly changes = new EventEmitter<{
    status: [conversationId: string, status: BotStatus]
    dropped: [what: string]
  }>()
  private readonly client: Client
  private readonly sessions = new Map<string, Session>() // by upstream conversation
  private readonly byHitl = new Map<string, Session>() // by hitl conversation, only once startHitl returned
  private readonly downstreamUsers = new Map<string, string>() // upstream user → createUser result

  constructor(private readonly opts: HitlBotOptions) {
    this.client = new Client({ apiUrl: opts.apiUrl, botId: opts.botId, retry: { retries: 0 } })
  }

  status(upstreamConversationId: string): BotStatus {
    const s = this.sessions.get(upstreamConversationId)
    if (!s || s.status === 'ended') return { status: 'bot' }
    return { status: s.status, agentName: s.agentName, hitlConversationId: s.hitlConversationId }
  }

  private setStatus(s: Session, status: Session['status']) {
    s.status = status
    this.changes.emit('status', s.upstreamConversationId, this.status(s.upstreamConversationId))
  }

  private say(conversationId: string, text: string, extra: Record<string, unknown> = {}) {
    return this.client.createMessage({
      conversationId,
      userId: this.opts.botId,
      type: 'text',
      payload: { text, ...extra },
      tags: {},
    })
  }

  async onVisitorMessage({ message, conversation }: MessageEvent): Promise<void> {
    const session = this.sessions.get(conversation.id)
    const text = typeof message.payload.text === 'string' ? message.payload.text.trim() : ''
    if (session && session.status !== 'ended') {
      if (session.status === 'starting') return // the plugin has no hitl conversation to relay to yet
      if (text === (this.opts.closeCommand ?? '/end')) return this.endByVisitor(session)
      await this.client.createMessage({
        conversationId: session.hitlConversationId!,
        userId: this.opts.botId,
        type: message.type,
        payload: { ...message.payload, userId: session.downstreamUserId },
        tags: {},
      })
      return
    }
    if (wantsHuman(message)) return this.escalate(conversation.id, message.userId, text === ESCALATE_VALUE ? '' : text)
    const reply = botReply(message)
    await this.client.createMessage({ conversationId: conversation.id, userId: this.opts.botId, ...reply, tags: {} })
  }

  private async escalate(upstreamConversationId: string, upstreamUserId: string, reason: string) {
    const { user } = await this.client.getUser({ id: upstreamUserId })
    let downstreamUserId = this.downstreamUsers.get(upstreamUserId)
    const session: Session = { upstreamConversationId, upstreamUserId, downstreamUserId: '', status: 'starting' }
    this.sessions.set(upstreamConversationId, session)
    this.setStatus(session, 'starting')
    await this.say(upstreamConversationId, TEXTS.waiting)
    try {
      if (!downstreamUserId) {
        const email = user.tags.email || `${upstreamUserId}@no-reply.${this.opts.botId}.botpress.com`
        ;({ userId: downstreamUserId } = await this.opts.runtime.callAction<{ userId: string }>('createUser', {
          name: user.name ?? 'Visitor',
          email,
          ...(user.pictureUrl ? { pictureUrl: user.pictureUrl } : {}),
        }))
        this.downstreamUsers.set(upstreamUserId, downstreamUserId)
      }
      session.downstreamUserId = downstreamUserId
      const { messages } = await this.client.listMessages({ conversationId: upstreamConversationId })
      const history = [...messages].reverse().map((m: Message) => ({
        source: m.direction === 'outgoing' ? { type: 'bot' } : { type: 'user', userId: m.userId },
        type: m.type,
        payload: m.payload,
      }))
      const { conversationId } = await this.opts.runtime.callAction<{ conversationId: string }>(
        'startHitl',
        {
          userId: downstreamUserId,
          title: `Escalation from ${user.name ?? 'a visitor'}`,
          description: reason || 'The visitor asked for a human agent',
          messageHistory: history,
        },
        upstreamConversationId
      )
      session.hitlConversationId = conversationId
      this.byHitl.set(conversationId, session)
      if (session.status === 'starting') this.setStatus(session, 'waiting')
      if (this.opts.assignmentTimeoutMs > 0)
        session.assignmentTimer = setTimeout(() => void this.assignmentTimedOut(session), this.opts.assignmentTimeoutMs)
    } catch (err) {
      this.setStatus(session, 'ended')
      const why = err instanceof ActionError ? err.message : String(err)
      await this.say(upstreamConversationId, `${TEXTS.escalationFailed} ${why}`)
    }
  }

  async onHitlMessage({ message, conversation }: MessageEvent): Promise<void> {
    const session = this.byHitl.get(conversation.id)
    if (!session || session.status === 'ended') {
      this.changes.emit('dropped', `message ${message.id} in ${conversation.id} (no active session)`)
      return
    }
    if (session.status !== 'agent') await this.agentJoined(session, message.userId) // first author = the agent
    await this.client.createMessage({
      conversationId: session.upstreamConversationId,
      userId: message.userId,
      type: message.type,
      payload: message.payload,
      tags: {},
    })
  }

  async onEvent({ event }: EmulatorEventMap['event.due'][0]): Promise<void> {
    const conversationId = String(event.payload.conversationId ?? event.conversationId ?? '')
    const session = this.byHitl.get(conversationId)
    if (!session || session.status === 'ended') {
      this.changes.emit(
        'dropped',
        `${event.type} for ${conversationId} (arrived before startHitl returned, or after the end)`
      )
      return
    }
    if (event.type.endsWith('hitlAssigned')) return this.agentJoined(session, String(event.payload.userId))
    if (event.type.endsWith('hitlStopped')) return this.endSession(session, TEXTS.left)
  }

  async onDeliveryFailed({ message, conversation }: MessageEvent, error: string): Promise<void> {
    const session = this.byHitl.get(conversation.id)
    if (session)
      await this.say(session.upstreamConversationId, `${TEXTS.notDelivered} ${error}`, { failedMessageId: message.id })
  }

  private async agentJoined(session: Session, agentUserId: string) {
    // Set before any await: an agent message and hitlAssigned for the same agent can arrive together.
    if (session.agentUserId === agentUserId) return
    session.agentUserId = agentUserId
    clearTimeout(session.assignmentTimer)
    const { user } = await this.client.getUser({ id: agentUserId })
    // hitlStopped, or another agent, came in while we looked this one up
    if (ended(session) || session.agentUserId !== agentUserId) return
    session.agentName = user.name
    this.setStatus(session, 'agent')
    await this.say(session.upstreamConversationId, TEXTS.joined, { agentName: user.name })
  }

  private async endByVisitor(session: Session) {
    await this.endSession(session, TEXTS.ended)
    await this.client
      .createMessage({
        conversationId: session.hitlConversationId!,
        userId: this.opts.botId,
        type: 'text',
        payload: { text: '( The user has ended the session. )' },
        tags: {},
      })
      .catch(() => undefined)
    await this.opts.runtime
      .callAction('stopHitl', { conversationId: session.hitlConversationId })
      .catch(() => undefined)
  }

  private async assignmentTimedOut(session: Session) {
    if (session.status !== 'waiting') return
    await this.endSession(session, TEXTS.timeout)
    await this.opts.runtime
      .callAction('stopHitl', { conversationId: session.hitlConversationId })
      .catch(() => undefined)
  }

  private async endSession(session: Session, text: string) {
    if (session.status === 'ended') return
    clearTimeout(session.assignmentTimer)
    this.setStatus(session, 'ended')
    await this.say(session.upstreamConversationId, text)
  }
}

/** Read through a function: TypeScript would otherwise keep a narrowing across the awaits that change it. */
const ended = (session: Session) => session.status === 'ended'
