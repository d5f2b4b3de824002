import type { Stack } from '../../../sandbox/stack'
import { waitFor, zoho } from '../../harness/helpers'
import { Visitor } from '../../harness/visitor'

let seq = 0

/** A visitor on the page who asked for a human and got one: the SalesIQ chat id and the hitl conversation id. */
export async function agentSession(stack: Stack, name = `V${++seq}-${Math.random().toString(36).slice(2, 6)}`) {
  const visitor = await new Visitor(stack, name).start()
  await visitor.say('talk to a human')
  const status = await visitor.waitForStatus('agent', 20_000)
  const chatId = await chatIdOf(stack, name)
  return { visitor, chatId, hitlConversationId: status.hitlConversationId! }
}

export const chatIdOf = (stack: Stack, visitorName: string) =>
  waitFor(`the SalesIQ chat of ${visitorName}`, async () => {
    const list = await zoho<any[]>(stack, 'GET', '/conversations')
    return list.find((c) => c.visitor?.name === visitorName)?.id as string | undefined
  })

/** Texts the operator sees from the visitor, in the SalesIQ chat. */
export async function operatorSees(stack: Stack, chatId: string): Promise<string[]> {
  const chat = await zoho(stack, 'GET', `/conversations/${chatId}`)
  return (chat.messages as any[]).filter((m) => m.sender?.type === 'visitor').map((m) => String(m.message?.text ?? ''))
}

/** The visitor's messages the integration refused to deliver (the visitor API's `failed`): the error, and their text. */
export async function failureNotices(
  _stack: Stack,
  visitor: Visitor
): Promise<Array<{ text: string; failedText?: string }>> {
  const view = await visitor.view()
  return view.messages
    .filter((m) => m.author === 'visitor' && m.failed)
    .map((m) => ({ text: m.failed!, failedText: typeof m.payload.text === 'string' ? m.payload.text : undefined }))
}

/**
 * The error of the visitor's failed escalation: the plugin-like bot tells the visitor nothing more after its
 * handoff text (as the real plugin), so the failure shows as the bot's failed `hitl#startHitl` on the timeline,
 * carrying the integration's message.
 */
export const escalationFailure = (stack: Stack, visitor: Visitor, timeoutMs = 20_000) =>
  waitFor(`the escalation of ${visitor.name} to fail`, async () => failedEscalation(stack, visitor), timeoutMs)

export function failedEscalation(stack: Stack, visitor: Visitor): string | undefined {
  const row = stack.timeline
    .list()
    .find(
      (r) =>
        r.kind === 'callAction' &&
        r.conversationId === visitor.conversationId &&
        r.summary.startsWith('hitl#startHitl') &&
        (r.status ?? 0) >= 300
    )
  return row?.summary.replace(/^.*? failed: /, '')
}

/** The seeded available operator takes any number of chats (the suite opens many). */
export async function roomForAll(stack: Stack) {
  await zoho(stack, 'PUT', `/operators/${stack.zoho.ids.availableOperatorId}`, {
    status: 'available',
    maxConcurrentChats: 100_000,
  })
}
