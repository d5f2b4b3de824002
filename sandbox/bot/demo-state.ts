import type { Api } from './hitl/api'

/**
 * The demo brain's own data, kept in Botpress (the bot keeps nothing in memory; declared in definition.ts):
 * - `awaitingOfflineMessage` on the visitor's conversation: the bot asked for a message, the next text is it;
 *   it expires, so a visitor who comes back much later is not taken by surprise.
 * - `ratingThanked` on a hitl conversation: the visitor was thanked for rating that chat (once per chat).
 */
export const DEMO_STATE = { awaitingOfflineMessage: 'awaitingOfflineMessage', ratingThanked: 'ratingThanked' } as const
export const AWAITING_EXPIRY_MS = 30 * 60 * 1000

/** The states API beyond what the plugin part types (expiry, getOrSetState). */
export type DemoApi = Omit<Api, 'setState'> & {
  setState(x: {
    type: 'conversation'
    id: string
    name: string
    payload: Record<string, unknown> | null
    expiry?: number
  }): Promise<unknown>
  getOrSetState(x: {
    type: 'conversation'
    id: string
    name: string
    payload: Record<string, unknown>
  }): Promise<{ state: { payload: Record<string, unknown> } }>
}

const ref = (conversationId: string) =>
  ({ type: 'conversation', id: conversationId, name: DEMO_STATE.awaitingOfflineMessage }) as const

export async function isAwaitingMessage(api: DemoApi, conversationId: string): Promise<boolean> {
  const found = await api.getState(ref(conversationId)).catch(() => undefined) // never set: not asked
  return typeof found?.state.payload?.askedAt === 'string'
}

export const awaitMessage = (api: DemoApi, conversationId: string) =>
  api.setState({ ...ref(conversationId), payload: { askedAt: new Date().toISOString() }, expiry: AWAITING_EXPIRY_MS })

/** A null payload deletes the state. */
export const stopAwaitingMessage = (api: DemoApi, conversationId: string) =>
  api.setState({ ...ref(conversationId), payload: null })

/** True for the first caller only, for this hitl conversation (atomic in Botpress). */
export async function firstToThank(api: DemoApi, hitlConversationId: string): Promise<boolean> {
  const mine = `${Date.now()}-${Math.random().toString(36).slice(2)}`
  const { state } = await api.getOrSetState({
    type: 'conversation',
    id: hitlConversationId,
    name: DEMO_STATE.ratingThanked,
    payload: { by: mine },
  })
  return state.payload.by === mine
}
