import { randomBytes } from 'node:crypto'
import type {
  BpEvent,
  BpFile,
  BotDump,
  Caller,
  Conversation,
  CreatedBy,
  Message,
  State,
  StateType,
  User,
} from './types'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Botpress-looking ids (`user_01J…`, `conv_…`): a prefix and a ULID (time first, so ids sort by creation). */
export function newId(prefix: string): string {
  let time = Date.now()
  let head = ''
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head
    time = Math.floor(time / 32)
  }
  const tail = Array.from(randomBytes(16), (b) => CROCKFORD[b % 32]).join('')
  return `${prefix}_${head}${tail}`
}

export const now = (): string => new Date().toISOString()

export type StoredState = State & { expiryMs?: number; expiresAt?: number }
export type StoredFile = BpFile & { content?: Buffer; uploadToken: string; readToken: string }

export const stateKey = (type: StateType | string, id: string, name: string): string => JSON.stringify([type, id, name])

/** Everything one bot owns. Secondary indexes are kept in step by the remove helpers only. */
export class BotStore {
  readonly users = new Map<string, User>()
  readonly conversations = new Map<string, Conversation>()
  readonly participants = new Map<string, Set<string>>() // conversationId -> userIds
  readonly messages = new Map<string, Message>()
  readonly messagesByConversation = new Map<string, Set<string>>()
  readonly events = new Map<string, BpEvent>()
  readonly states = new Map<string, StoredState>()
  readonly files = new Map<string, StoredFile>()
  readonly fileIdByKey = new Map<string, string>()
  /** Object id (or state key) -> the integration that created it (empty when the bot did). */
  readonly creators = new Map<string, CreatedBy>()

  constructor(readonly botId: string) {}

  /** Remember who created an object. */
  created(id: string, caller: Caller): void {
    const by: CreatedBy = {}
    if (caller.integrationId !== undefined) by.integrationId = caller.integrationId
    if (caller.integrationAlias !== undefined) by.integrationAlias = caller.integrationAlias
    this.creators.set(id, by)
  }

  createdBy(id: string): CreatedBy {
    return this.creators.get(id) ?? {}
  }

  addUser(user: User, caller: Caller): void {
    this.users.set(user.id, user)
    this.created(user.id, caller)
  }

  addConversation(conversation: Conversation, caller: Caller): void {
    this.created(conversation.id, caller)
    this.conversations.set(conversation.id, conversation)
    this.participants.set(conversation.id, new Set())
    this.messagesByConversation.set(conversation.id, new Set())
  }

  addMessage(message: Message, caller: Caller): void {
    this.created(message.id, caller)
    this.messages.set(message.id, message)
    this.messagesByConversation.get(message.conversationId)?.add(message.id)
    // Botpress makes the author a participant; the bot itself (userId = botId) is no user.
    if (this.users.has(message.userId)) this.participants.get(message.conversationId)?.add(message.userId)
  }

  addEvent(event: BpEvent, caller: Caller): void {
    this.created(event.id, caller)
    this.events.set(event.id, event)
  }

  addFile(file: StoredFile, caller: Caller): void {
    this.created(file.id, caller)
    this.files.set(file.id, file)
    this.fileIdByKey.set(file.key, file.id)
  }

  removeMessage(id: string): void {
    const message = this.messages.get(id)
    if (!message) return
    this.messages.delete(id)
    this.messagesByConversation.get(message.conversationId)?.delete(id)
  }

  removeConversation(id: string): void {
    for (const messageId of this.messagesByConversation.get(id) ?? []) this.messages.delete(messageId)
    this.messagesByConversation.delete(id)
    this.participants.delete(id)
    this.conversations.delete(id)
    this.removeStatesOf('conversation', id)
  }

  removeUser(id: string): void {
    for (const members of this.participants.values()) members.delete(id)
    this.users.delete(id)
    this.removeStatesOf('user', id)
  }

  removeFile(id: string): void {
    const file = this.files.get(id)
    if (!file) return
    this.files.delete(id)
    if (this.fileIdByKey.get(file.key) === id) this.fileIdByKey.delete(file.key)
  }

  private removeStatesOf(type: StateType, id: string): void {
    for (const [key, state] of this.states) if (stateKey(type, id, state.name) === key) this.states.delete(key)
  }

  /** A state whose expiry has passed is gone, as on the real API (read as 404). */
  liveState(key: string, at = Date.now()): StoredState | undefined {
    const state = this.states.get(key)
    if (state?.expiresAt !== undefined && state.expiresAt <= at) {
      this.states.delete(key)
      return undefined
    }
    return state
  }

  dump(): BotDump {
    const at = Date.now()
    for (const key of [...this.states.keys()]) this.liveState(key, at)
    const by = (id: string) => ({ createdBy: this.createdBy(id) })
    return {
      users: [...this.users.values()].map((u) => ({ ...u, ...by(u.id) })),
      conversations: [...this.conversations.values()].map((c) => ({
        ...c,
        participantIds: [...(this.participants.get(c.id) ?? [])],
        ...by(c.id),
      })),
      messages: [...this.messages.values()].map((m) => ({ ...m, ...by(m.id) })),
      events: [...this.events.values()].map((e) => ({ ...e, ...by(e.id) })),
      states: [...this.states.entries()].map(([key, { expiryMs: _e, expiresAt, ...s }]) => ({
        ...s,
        ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
        ...by(key),
      })),
      files: [...this.files.values()].map(({ content, uploadToken: _u, readToken: _r, ...f }) => ({
        ...f,
        uploaded: content !== undefined,
        ...by(f.id),
      })),
    }
  }
}

export class Store {
  readonly bots = new Map<string, BotStore>()

  bot(botId: string): BotStore {
    let bot = this.bots.get(botId)
    if (!bot) this.bots.set(botId, (bot = new BotStore(botId)))
    return bot
  }

  reset(): void {
    this.bots.clear()
  }
}
