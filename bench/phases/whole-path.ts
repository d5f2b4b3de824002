import type { EmulatorEventMap } from '../../sandbox/botpress/types'
import { startStack } from '../../sandbox/stack'
import type { ConversationChange } from '../../sandbox/zoho/context'
import { placeIntegration, placeSelf } from '../cpu'
import { sleep } from '../load/generator'
import { summarize, type Summary } from '../load/stats'

type MessageEvent = EmulatorEventMap['message.created'][0]

/**
 * `heldBeyondActive`: from when hitlAssigned could have been due at the earliest — the accept, or the plugin's
 * activation of the session (its state write, seen by the API) if later — to when it was due for the bot: how much
 * longer than needed the integration took (its own work included); `heldBeyondAgent`: the same for the first reply,
 * from the reply, or the plugin's write of that agent (`hitl#humanAgentId`) if later, to its message in the hitl
 * conversation.
 */
type Activation = { joined: Summary; firstReply: Summary; heldBeyondActive: Summary; heldBeyondAgent: Summary }

export type WholePathResult = {
  /** Delay of each Botpress API call the bot makes (SANDBOX_BOT_API_LATENCY_MS). */
  botApiLatencyMs: number
  /**
   * Escalations timed two ways: the operator accepts the moment the SalesIQ chat appears and answers at once
   * (`eager`), or only once the visitor's session is active (`later`, status `waiting`). `joined`: accept → the
   * plugin's "agent joined" text in the visitor's conversation; `firstReply`: the operator's first reply → the
   * visitor's conversation.
   */
  activation: {
    eager: Activation
    later?: Activation
  }
  /** Steady state, one message at a time: visitor API → SalesIQ chat, operator reply → the visitor's conversation. */
  visitor: Summary
  operator: Summary
  /** Botpress API calls per steady message, by the bot and by the integration. */
  calls: {
    visitor: { bot: number; integration: number }
    operator: { bot: number; integration: number }
  }
  /** Texts of ours that showed up more than once on the far side (a missing one fails the phase). */
  duplicated: number
}

async function call<T = unknown>(url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

/** The first value `test` gives (checked every 5 ms); throws after `timeoutMs` — a message that never came fails the run. */
async function until<T>(what: string, test: () => T | undefined | Promise<T | undefined>, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const v = await test()
    if (v !== undefined && v !== false) return v
    if (performance.now() > deadline) throw new Error(`whole path: ${what} did not happen within ${timeoutMs} ms`)
    await sleep(5)
  }
}

/**
 * The whole path through the sandbox's plugin-like bot (sandbox/bot/), over the bot protocol, with `botApiLatencyMs`
 * per bot→API call: a visitor on the visitor API, the operator on the Zoho emulator's control API. Arrivals are
 * taken from the emulators' events (a message stored in the SalesIQ chat; a message created in the visitor's
 * conversation), so no polling interval is in the figures.
 */
export async function wholePathPhase(opts: {
  botApiLatencyMs: number
  escalations: number
  /** Also time escalations accepted once the session is active. */
  later: boolean
  samples: number
  steadyMs: number
}): Promise<WholePathResult> {
  placeSelf()
  const stack = await startStack({ botApiLatencyMs: opts.botApiLatencyMs })
  // What Botpress runs (the integration and the bot) on the integration's CPU; emulators and this driver on the other.
  for (const instance of stack.pool.instances) placeIntegration(instance.pid)
  if (stack.botProcess) placeIntegration(stack.botProcess.pid)
  const wait = 20_000 + opts.botApiLatencyMs * 40
  const zoho = <T = unknown>(method: string, path: string, body?: unknown) =>
    call<T>(`${stack.zoho.url}/_emulator${path}`, method, body)
  const { appId, availableOperatorId } = stack.zoho.ids

  // What each side saw, by text: the visitor's conversation (outgoing = written by the bot) and the SalesIQ chats.
  const toVisitor = new Map<string, Array<{ text: string; at: number }>>()
  const inChat = new Map<string, number[]>()
  const chatOfVisitor = new Map<string, string>()
  // When, in epoch ms, things became due for the bot on each hitl conversation (Botpress emulator events).
  const dueAt = new Map<string, number>()
  const onMessage = ({ conversation, message }: MessageEvent) => {
    if (conversation.integration === 'zoho-salesiq-hitl' && message.direction === 'incoming')
      if (!dueAt.has(`reply:${conversation.id}`)) dueAt.set(`reply:${conversation.id}`, Date.now())
    if (conversation.integration !== 'webchat' || message.direction !== 'outgoing') return
    const list = toVisitor.get(conversation.id) ?? []
    list.push({ text: String(message.payload.text ?? ''), at: performance.now() })
    toVisitor.set(conversation.id, list)
  }
  const onChange = (c: ConversationChange) => {
    if (c.type === 'visitor.message') {
      const text = String(c.detail?.text ?? '')
      inChat.set(text, [...(inChat.get(text) ?? []), performance.now()])
    }
    if (c.type === 'opened')
      void zoho<{ visitor?: { name?: string } }>('GET', `/conversations/${c.conversationId}`).then((chat) => {
        if (chat.visitor?.name) chatOfVisitor.set(chat.visitor.name, c.conversationId)
      })
  }
  stack.botpress.events.on('message.created', onMessage)
  stack.zoho.events.on('conversation', onChange)

  const onDue = ({ event }: EmulatorEventMap['event.due'][0]) => {
    if (event.type === 'zoho-salesiq-hitl:hitlAssigned' || event.type === 'hitlAssigned')
      if (event.conversationId && !dueAt.has(`assigned:${event.conversationId}`))
        dueAt.set(`assigned:${event.conversationId}`, Date.now())
  }
  stack.botpress.events.on('event.due', onDue)
  /** How much longer than the plugin needed the assignment and the first reply were held (see Activation). */
  const heldBeyond = (chatId: string, acceptedAt: number, repliedAt: number) => {
    const bot = stack.botpress.dump().bots[stack.identity.botId]!
    const conversationId = bot.conversations.find((c) => c.tags.chatId === chatId)!.id
    const byBot = stack.botpress.requests().filter((r) => !r.headers['x-integration-id'])
    const at = (test: (r: (typeof byBot)[0]) => boolean) => Date.parse(byBot.find(test)?.time ?? '')
    const body = (r: (typeof byBot)[0]) => (r.body ?? {}) as { payload?: { hitlActive?: boolean }; tags?: object }
    const activeAt = at(
      (r) =>
        r.path.startsWith(`/v1/chat/states/conversation/${conversationId}/`) && body(r).payload?.hitlActive === true
    )
    const agentAt = at(
      (r) =>
        r.method === 'PUT' &&
        r.path === `/v1/chat/conversations/${conversationId}` &&
        'hitl#humanAgentId' in (body(r).tags ?? {})
    )
    return {
      heldBeyondActive: dueAt.get(`assigned:${conversationId}`)! - Math.max(activeAt, acceptedAt),
      heldBeyondAgent: dueAt.get(`reply:${conversationId}`)! - Math.max(agentAt, repliedAt),
    }
  }

  const visitorApi = <T = unknown>(method: string, path: string, body?: unknown) =>
    call<T>(`${stack.url}/api/visitors${path}`, method, body)
  const seenByVisitor = (conversationId: string, after: number, match: (text: string) => boolean) =>
    until(
      'a message in the visitor conversation',
      () => toVisitor.get(conversationId)?.find((m) => m.at >= after && match(m.text))?.at,
      wait
    )

  try {
    await zoho('PUT', `/apps/${appId}`, { chatAssignment: 'manual', waitingTimeSec: 3600 })
    await zoho('PUT', `/operators/${availableOperatorId}`, { status: 'available', maxConcurrentChats: 1_000_000 })

    const escalate = async (name: string, eager: boolean) => {
      const v = await visitorApi<{ userId: string; conversationId: string }>('POST', '', { name })
      await visitorApi('POST', `/${v.conversationId}/messages`, { userId: v.userId, text: 'talk to a human' })
      const chatId = await until('the SalesIQ chat', () => chatOfVisitor.get(name), wait)
      if (!eager)
        await until(
          'the session active (status waiting)',
          async () =>
            (await visitorApi<{ status: { status: string } }>('GET', `/${v.conversationId}`)).status.status ===
            'waiting',
          wait
        )
      const acceptAt = performance.now()
      const acceptedAt = Date.now() // epoch ms, as the Botpress emulator's log
      await zoho('POST', `/conversations/${chatId}/accept`, { operatorId: availableOperatorId })
      const reply = `first reply to ${name}`
      const replyAt = performance.now()
      const repliedAt = Date.now()
      await zoho('POST', `/conversations/${chatId}/reply`, { text: reply, operatorId: availableOperatorId })
      const joinedAt = await seenByVisitor(v.conversationId, acceptAt, (t) => t !== reply)
      const replySeenAt = await seenByVisitor(v.conversationId, replyAt, (t) => t === reply)
      return {
        ...v,
        chatId,
        joined: joinedAt - acceptAt,
        firstReply: replySeenAt - replyAt,
        ...heldBeyond(chatId, acceptedAt, repliedAt),
      }
    }
    const eager: Array<Awaited<ReturnType<typeof escalate>>> = []
    const later: typeof eager = []
    for (let i = 0; i < opts.escalations; i++) {
      eager.push(await escalate(`Eager ${opts.botApiLatencyMs}-${i}`, true))
      if (opts.later) later.push(await escalate(`Later ${opts.botApiLatencyMs}-${i}`, false))
    }
    await sleep(opts.steadyMs) // the sessions' start (hold-back) is over

    const session = eager[0]!
    const botpressSeq = () => stack.botpress.requests().at(-1)?.seq ?? 0
    const callsSince = (seq: number) => {
      const made = stack.botpress.requests().filter((r) => r.seq > seq)
      return {
        bot: made.filter((r) => !r.headers['x-integration-id']).length,
        integration: made.filter((r) => r.headers['x-integration-id'] === stack.identity.integrationId).length,
      }
    }
    const run = async (direction: 'visitor' | 'operator') => {
      const times: number[] = []
      const seq = botpressSeq()
      for (let i = 0; i < opts.samples; i++) {
        const text = `${direction} steady ${i} ${Math.random().toString(36).slice(2, 8)}`
        const t0 = performance.now()
        if (direction === 'visitor') {
          await visitorApi('POST', `/${session.conversationId}/messages`, { userId: session.userId, text })
          times.push((await until('the visitor message in SalesIQ', () => inChat.get(text)?.[0], wait)) - t0)
        } else {
          await zoho('POST', `/conversations/${session.chatId}/reply`, { text, operatorId: availableOperatorId })
          times.push((await seenByVisitor(session.conversationId, t0, (t) => t === text)) - t0)
        }
      }
      await sleep(500 + opts.botApiLatencyMs * 4) // the calls that trail the last message
      const made = callsSince(seq)
      return { latency: summarize(times), bot: made.bot / opts.samples, integration: made.integration / opts.samples }
    }
    const visitorRun = await run('visitor')
    const operatorRun = await run('operator')

    const ours = (text: string) => text.includes(' steady ') || text.startsWith('first reply to ')
    const extra = (counts: Iterable<[string, number]>) =>
      [...counts].reduce((n, [text, c]) => n + (ours(text) ? Math.max(0, c - 1) : 0), 0)
    const inChatCopies = extra([...inChat].map(([text, at]) => [text, at.length] as [string, number]))
    const visitorCopies = [...toVisitor.values()].reduce((n, list) => {
      const counts = new Map<string, number>()
      for (const m of list) counts.set(m.text, (counts.get(m.text) ?? 0) + 1)
      return n + extra(counts)
    }, 0)
    const stats = (list: typeof eager): Activation => ({
      joined: summarize(list.map((e) => e.joined)),
      firstReply: summarize(list.map((e) => e.firstReply)),
      heldBeyondActive: summarize(list.map((e) => e.heldBeyondActive)),
      heldBeyondAgent: summarize(list.map((e) => e.heldBeyondAgent)),
    })
    return {
      botApiLatencyMs: opts.botApiLatencyMs,
      activation: { eager: stats(eager), ...(later.length ? { later: stats(later) } : {}) },
      visitor: visitorRun.latency,
      operator: operatorRun.latency,
      calls: {
        visitor: { bot: visitorRun.bot, integration: visitorRun.integration },
        operator: { bot: operatorRun.bot, integration: operatorRun.integration },
      },
      duplicated: inChatCopies + visitorCopies,
    }
  } finally {
    stack.botpress.events.off('message.created', onMessage)
    stack.botpress.events.off('event.due', onDue)
    stack.zoho.events.off('conversation', onChange)
    await stack.close()
  }
}

/** The phase at each bot→API latency, side by side (each on its own stack: the delays are sleeps, not CPU). */
export const wholePathPhases = (
  latencies: number[],
  opts: Omit<Parameters<typeof wholePathPhase>[0], 'botApiLatencyMs'>
): Promise<WholePathResult[]> =>
  Promise.all(latencies.map((botApiLatencyMs) => wholePathPhase({ ...opts, botApiLatencyMs })))
