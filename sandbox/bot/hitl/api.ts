/**
 * The part of the Botpress API the plugin-like bot uses, typed loosely (the SDK's generic BotSpecificClient has
 * no generated types here), plus the plugin's reads and writes of its own states and tags (contract §4).
 * Nothing is kept in memory: every answer comes from Botpress.
 */
import { STATE, TAG } from './names'

type Tags = Record<string, string | undefined>
export type Conversation = { id: string; integration: string; channel: string; tags: Tags }
export type User = { id: string; name?: string; pictureUrl?: string; tags: Tags }
export type Message = {
  id: string
  type: string
  payload: Record<string, unknown>
  direction: 'incoming' | 'outgoing'
  userId: string
  conversationId: string
  createdAt: string
  tags: Tags
}

export type Api = {
  getConversation(x: { id: string }): Promise<{ conversation: Conversation }>
  updateConversation(x: { id: string; tags: Tags }): Promise<unknown>
  getUser(x: { id: string }): Promise<{ user: User }>
  updateUser(x: { id: string; tags: Tags }): Promise<unknown>
  listMessages(x: { conversationId: string }): Promise<{ messages: Message[] }>
  createMessage(x: {
    conversationId: string
    userId: string
    type: string
    payload: Record<string, unknown>
    tags: Tags
  }): Promise<unknown>
  getState(x: {
    type: 'conversation'
    id: string
    name: string
  }): Promise<{ state: { payload: Record<string, unknown> | null } }>
  setState(x: { type: 'conversation'; id: string; name: string; payload: unknown }): Promise<unknown>
  callAction(x: { type: string; input: Record<string, unknown> }): Promise<{ output: Record<string, unknown> }>
  createEvent(x: {
    type: string
    payload: Record<string, unknown>
    conversationId?: string
    userId?: string
    schedule?: { delay?: number }
  }): Promise<unknown>
}

/** What every plugin handler gets from the SDK (only what we use). */
export type Props = {
  client: unknown
  ctx: { botId: string; configuration: unknown }
  logger: { info(...a: unknown[]): void; error(...a: unknown[]): void }
}
export const apiOf = (props: Props) => props.client as Api

export async function isHitlActive(api: Api, conversationId: string): Promise<boolean> {
  const state = await api
    .getState({ type: 'conversation', id: conversationId, name: STATE.hitl })
    .catch(() => undefined) // never set: no session
  return state?.state.payload?.hitlActive === true
}

export const setHitlActive = (api: Api, conversationId: string) =>
  api.setState({ type: 'conversation', id: conversationId, name: STATE.hitl, payload: { hitlActive: true } })

export const setHitlInactive = (api: Api, conversationId: string, reason: string) =>
  Promise.all([
    api.setState({ type: 'conversation', id: conversationId, name: STATE.hitl, payload: { hitlActive: false } }),
    api.updateConversation({ id: conversationId, tags: { [TAG.hitlEndReason]: reason } }),
  ])

export const setHumanAgent = (api: Api, conversationId: string, id: string, name: string) =>
  api.updateConversation({ id: conversationId, tags: { [TAG.humanAgentId]: id, [TAG.humanAgentName]: name } })

/** A text from the bot; `undefined` (a `NULL` text) sends nothing. */
export async function say(api: Api, botId: string, conversationId: string, text: string | undefined) {
  if (text === undefined) return
  await api.createMessage({ conversationId, userId: botId, type: 'text', payload: { text }, tags: {} })
}
