import type { Stack } from '../../sandbox/stack'

export type Session = { key: string; userId: string; conversationId: string; chatId: string }

async function control(stack: Stack, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${stack.zoho.url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`Zoho emulator ${method} ${path} → ${res.status}: ${text}`)
  return text ? JSON.parse(text) : undefined
}

/** One available operator who takes every chat, and chats that are never missed while the load runs. */
export async function prepareDesk(stack: Stack): Promise<void> {
  const { ids } = stack.zoho
  await control(stack, 'PUT', `/operators/${ids.availableOperatorId}`, {
    status: 'available',
    maxConcurrentChats: 1_000_000,
  })
  await control(stack, 'PUT', `/apps/${ids.appId}`, { waitingTimeSec: 24 * 3600, chatAssignment: 'auto_assign' })
}

/** The operator answers in the chat (Zoho emulator control API → signed webhook to the integration). */
export const operatorReply = (stack: Stack, chatId: string, text: string) =>
  control(stack, 'POST', `/conversations/${chatId}/reply`, { text })

/**
 * One HITL session as the HITL plugin opens it, over the integration protocol: createUser, then startHitl with a
 * short bot transcript; the SalesIQ chat id is read back from the hitl conversation's tags.
 */
export async function openSession(stack: Stack, key: string): Promise<Session> {
  const { userId } = await stack.runtime.callAction<{ userId: string }>('createUser', {
    name: `Load ${key}`,
    email: `${key}@example.com`,
  })
  const { conversationId } = await stack.runtime.callAction<{ conversationId: string }>(
    'startHitl',
    {
      userId,
      title: `Escalation from Load ${key}`,
      description: 'The visitor asked for a human agent',
      messageHistory: [
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'hi' } },
        { source: { type: 'bot' }, type: 'text', payload: { text: 'Hello! How can I help?' } },
        { source: { type: 'user', userId }, type: 'text', payload: { text: 'talk to a human' } },
      ],
    },
    key
  )
  const chatId = stack.botpress.bot(stack.identity.botId).conversations.get(conversationId)?.tags.chatId
  if (!chatId) throw new Error(`startHitl returned ${conversationId}, which has no chatId tag`)
  return { key, userId, conversationId, chatId }
}

/** Opens `count` sessions, `concurrency` at a time. */
export async function openSessions(stack: Stack, count: number, concurrency: number, prefix = 's'): Promise<Session[]> {
  const sessions: Session[] = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      sessions[i] = await openSession(stack, `${prefix}${i}`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return sessions
}
