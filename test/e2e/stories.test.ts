import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DEFAULT_TEXTS } from '../../sandbox/bot/hitl/texts'
import { expectedWaitText } from '../../sandbox/bot/replies'
import { startStack, type Stack, type StackOptions } from '../../sandbox/stack'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor, type ChatMessage } from '../harness/visitor'

/**
 * The whole loop with the plugin-like default bot running as a process: page API → bot (HITL plugin part) →
 * integration → Zoho emulator → webhooks → integration → bot → page. Each story asserts what the visitor reads
 * (how often each plugin text, who is shown as the author) and what reaches the operator.
 *
 * Every story runs at 0 and at 500 ms per bot→API call (the real plugin activates a session only some round trips
 * after startHitl returned, and drops what the integration sends earlier). Stacks are shared: the stories of one
 * latency run concurrently, each with its own visitor; SalesIQ assigns by hand (`accept`) so each story decides
 * when an operator comes. Stories marked #13 depend on the integration's behaviour towards the plugin.
 */
// The stories of one latency mostly wait on the bot's API latency: run them all at once, not 5 at a time.
vi.setConfig({ maxConcurrency: 20 })

const T = DEFAULT_TEXTS
/** The demo brain's words before it escalates (operators online, the apps' 600 s waiting time). */
const WAIT_TEXT = expectedWaitText(600)
const ADA = 'Ada Lovelace'
const BEN = 'Ben Busy'
const END_TEXTS: string[] = [T.onHitlStoppedMessage, T.onUserHitlCloseMessage, T.onAgentAssignedTimeoutMessage]
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

async function manualStack(opts: StackOptions): Promise<Stack> {
  const stack = await startStack(opts)
  const { appId, availableOperatorId, busyOperatorId } = stack.zoho.ids
  await zoho(stack, 'PUT', `/apps/${appId}`, { chatAssignment: 'manual', waitingTimeSec: 600 })
  for (const id of [availableOperatorId, busyOperatorId])
    await zoho(stack, 'PUT', `/operators/${id}`, { status: 'available', maxConcurrentChats: 50 })
  return stack
}

/** What one visitor story needs on one stack, with waits scaled to the bot's API latency. */
function storyKit(stack: () => Stack, latencyMs: number) {
  const wait = 15_000 + latencyMs * 60
  const ids = () => stack().zoho.ids
  let n = 0
  /** A new visitor (unique name per stack); `withEmail` gives them `<name>@example.com`. */
  const visitor = (name: string, withEmail = false) => {
    const unique = `${name}${latencyMs}x${++n}`
    return new Visitor(stack(), unique).start(withEmail ? `${unique.toLowerCase()}@example.com` : undefined)
  }
  const chats = async (v: Visitor) =>
    (await zoho<any[]>(stack(), 'GET', '/conversations')).filter((c) => c.visitor?.name === v.name)
  const chatOf = (v: Visitor, nth = 1) =>
    waitFor(`SalesIQ chat ${nth} of ${v.name}`, async () => (await chats(v))[nth - 1], wait)
  const operatorView = async (chatId: string) => zoho(stack(), 'GET', `/conversations/${chatId}`)
  const operatorTexts = async (chatId: string): Promise<Array<[string, string]>> =>
    (await operatorView(chatId)).messages.map((m: any) => [m.sender?.type ?? String(m.sender), m.message?.text ?? ''])
  const operatorSees = (chatId: string, text: string) =>
    waitFor(`operator sees "${text}"`, async () => (await operatorTexts(chatId)).find(([, t]) => t === text), wait)
  const accept = (chatId: string, operatorId = ids().availableOperatorId) =>
    zoho(stack(), 'POST', `/conversations/${chatId}/accept`, { operatorId })
  const reply = (chatId: string, text: string, operatorId = ids().availableOperatorId) =>
    zoho(stack(), 'POST', `/conversations/${chatId}/reply`, { text, operatorId })
  const control = <R = any>(method: string, path: string, body?: unknown) => zoho<R>(stack(), method, path, body)
  const complete = (chatId: string) => control('POST', `/conversations/${chatId}/complete`, {})
  const count = async (v: Visitor, text: string) =>
    (await v.view()).messages.filter((m) => m.payload.text === text).length
  const seen = (v: Visitor, what: string, match: (m: ChatMessage) => boolean) => v.waitForMessage(what, match, wait)
  const seenText = (v: Visitor, text: string) => seen(v, `"${text}"`, (m) => m.payload.text === text)
  const status = (v: Visitor, s: 'bot' | 'waiting' | 'agent') => v.waitForStatus(s, wait)
  /** Lets late deliveries land before counting (a wrong second notice would come within this). */
  const settle = () => new Promise((r) => setTimeout(r, 1000 + latencyMs * 8))
  /**
   * The visitor escalates with the demo bot's words and waits in the queue (the plugin's session is active);
   * returns the SalesIQ chat it opened. Operators who answer before that have stories of their own.
   */
  const escalate = async (v: Visitor, nth = 1) => {
    await v.say('talk to a human')
    await seenText(v, T.onHitlHandoffMessage)
    const chat = await chatOf(v, nth)
    await status(v, 'waiting')
    return chat
  }
  /** The bot answers again (demo brain), as after a session. */
  const botAnswers = async (v: Visitor, text: string) => {
    const before = (await v.view()).messages.filter((m) => m.author === 'bot' && m.type === 'choice').length
    await v.say(text)
    await waitFor(
      'the bot answers',
      async () => (await v.view()).messages.filter((m) => m.author === 'bot' && m.type === 'choice').length > before,
      wait
    )
  }
  return {
    wait,
    ids,
    visitor,
    chats,
    chatOf,
    operatorView,
    operatorTexts,
    operatorSees,
    accept,
    reply,
    control,
    complete,
    count,
    seen,
    seenText,
    status,
    settle,
    escalate,
    botAnswers,
  }
}

/** author/text of every message the visitor sees, oldest first (choice answers of the demo bot as "<choice>"). */
const transcriptOf = (messages: ChatMessage[]) =>
  messages.map((m) => [
    m.author,
    m.author === 'agent' ? m.authorName : '',
    m.type === 'choice' ? '<choice>' : m.payload.text,
  ])

for (const latencyMs of [0, 500]) {
  describe.concurrent(`stories at ${latencyMs} ms per bot→API call`, { timeout: 60_000 + latencyMs * 240 }, () => {
    let one: Stack // 1 integration instance, the bot's default configuration
    let two: Stack // 2 integration instances
    let timed: Stack // agentAssignedTimeoutSeconds configured
    let faulty: Stack // opening a SalesIQ chat fails once
    let slow: Stack | undefined // 1000 ms per call (Cloud-like worst case), alongside the 500 ms stories
    let slowBack: Stack | undefined // the same, spent on the way back (the API sees each write a second earlier)
    beforeAll(async () => {
      ;[one, two, timed, faulty, slow, slowBack] = await Promise.all([
        manualStack({ botApiLatencyMs: latencyMs }),
        manualStack({ botApiLatencyMs: latencyMs, instances: 2 }),
        manualStack({ botApiLatencyMs: latencyMs, botConfig: { agentAssignedTimeoutSeconds: 3 } }),
        manualStack({ botApiLatencyMs: latencyMs }),
        latencyMs === 500 ? manualStack({ botApiLatencyMs: 1000 }) : undefined,
        latencyMs === 500 ? manualStack({ botApiLatencyMs: 1000, botApiLatencyBackShare: 1 }) : undefined,
      ])
    }, 60_000)
    afterAll(async () => {
      await Promise.all([one, two, timed, faulty, slow, slowBack].map((s) => s?.close()))
    })

    const k = storyKit(() => one, latencyMs)

    const happyPath = async (kit: ReturnType<typeof storyKit>) => {
      const v = await kit.visitor('Alice', true)
      await v.say('hi')
      await kit.seen(v, 'bot reply', (m) => m.author === 'bot' && m.type === 'choice')
      const chat = await kit.escalate(v)
      expect(chat.visitor.email).toBe(`${v.name.toLowerCase()}@example.com`) // the demo bot passes it as userEmail
      await kit.accept(chat.id)
      expect(await kit.status(v, 'agent')).toMatchObject({ agentName: ADA })
      await kit.seenText(v, T.onHumanAgentAssignedMessage)
      const [transcript] = (await kit.operatorTexts(chat.id))[0]!.slice(1)
      expect(transcript).toContain(`${v.name}: hi`)
      expect(transcript).toContain(`${v.name}: talk to a human`)

      await v.say('my order is late')
      await kit.operatorSees(chat.id, 'my order is late')
      await kit.reply(chat.id, 'Let me check that for you')
      await kit.seenText(v, 'Let me check that for you')
      await kit.complete(chat.id)
      await kit.seenText(v, T.onHitlStoppedMessage)
      await kit.status(v, 'bot')
      await kit.botAnswers(v, 'thanks')
      await kit.settle()
      const seenByVisitor = transcriptOf((await v.view()).messages)
      // Exactly this up to the agent's reply: one handoff text, one announcement, the agent shown as Ada.
      expect(seenByVisitor.slice(0, 8)).toEqual([
        ['visitor', '', 'hi'],
        ['bot', '', '<choice>'],
        ['visitor', '', 'talk to a human'],
        ['bot', '', WAIT_TEXT],
        ['bot', '', T.onHitlHandoffMessage],
        ['bot', '', T.onHumanAgentAssignedMessage],
        ['visitor', '', 'my order is late'],
        ['agent', ADA, 'Let me check that for you'],
      ])
      expect(seenByVisitor.filter(([, , t]) => t === T.onHitlStoppedMessage)).toHaveLength(1)
      const at = (text: string) => seenByVisitor.findIndex(([, , t]) => t === text)
      expect(at('thanks')).toBeGreaterThan(at(T.onHitlStoppedMessage)) // back with the bot…
      expect(seenByVisitor.at(-1)).toEqual(['bot', '', '<choice>']) // …which answers
      const operator = await kit.operatorTexts(chat.id)
      expect(operator.slice(1)).toEqual([
        ['visitor', 'my order is late'],
        ['operator', 'Let me check that for you'],
      ])
      return seenByVisitor
    }

    it('happy path: escalate, talk both ways, operator ends, back to the bot', () => happyPath(k))

    it('#13 operator ends: exactly one end notice, the plugin’s (nothing from the integration)', async () => {
      expect(await happyPath(k)).toEqual([
        ['visitor', '', 'hi'],
        ['bot', '', '<choice>'],
        ['visitor', '', 'talk to a human'],
        ['bot', '', WAIT_TEXT],
        ['bot', '', T.onHitlHandoffMessage],
        ['bot', '', T.onHumanAgentAssignedMessage],
        ['visitor', '', 'my order is late'],
        ['agent', ADA, 'Let me check that for you'],
        ['bot', '', T.onHitlStoppedMessage],
        ['visitor', '', 'thanks'],
        ['bot', '', '<choice>'],
      ])
    })

    const k2 = storyKit(() => two, latencyMs)
    it('happy path with 2 integration instances', () => happyPath(k2))

    it('#13 missed chat: no "agent joined", one end notice at most, the bot takes over', async () => {
      const v = await k.visitor('Mia')
      const chat = await k.escalate(v)
      await k.status(v, 'waiting')
      await k.control('POST', `/conversations/${chat.id}/miss`, {})
      await k.status(v, 'bot')
      await k.botAnswers(v, 'anyone?')
      await k.settle()
      const texts = (await v.view()).messages.map((m) => m.payload.text)
      expect(texts).not.toContain(T.onHumanAgentAssignedMessage)
      expect(texts.filter((t) => END_TEXTS.includes(t)).length).toBeLessThanOrEqual(1)
      expect(texts.filter((t) => t === T.onHitlHandoffMessage)).toHaveLength(1)
      expect((await v.view()).messages.every((m) => m.author !== 'agent')).toBe(true)
    })

    const transfer = async (v: Visitor) => {
      const chat = await k.escalate(v)
      await k.accept(chat.id)
      await k.status(v, 'agent')
      await k.seenText(v, T.onHumanAgentAssignedMessage)
      // transfer.initiated, then accepted: SalesIQ reports transfer.accepted and attender.updated ~1 ms apart
      await k.control('POST', `/conversations/${chat.id}/transfer`, {
        operatorId: k.ids().busyOperatorId,
        resolve: 'accept',
      })
      await waitFor('Ben takes over', async () => (await v.view()).status.agentName === BEN, k.wait)
      await k.reply(chat.id, 'Ben here', k.ids().busyOperatorId)
      const m = await k.seenText(v, 'Ben here')
      expect([m.author, m.authorName]).toEqual(['agent', BEN])
      await k.settle()
    }

    it('transfer: the new operator becomes the agent', async () => {
      await transfer(await k.visitor('Tara'))
    })

    it('#13 a transfer reported twice is announced once', async () => {
      const v = await k.visitor('Theo')
      await transfer(v)
      expect(await k.count(v, T.onHumanAgentAssignedMessage)).toBe(2) // Ada, then Ben: once each
    })

    it('operator answers at once (before the plugin activated the session): assignment and reply both arrive', () =>
      earlyOperator(k, 'Otto', 'Hi, I am Ada'))

    it('/END in capitals ends the session: the SalesIQ chat closes, one end notice, back to the bot', async () => {
      const v = await k.visitor('Ed')
      const chat = await k.escalate(v)
      await k.accept(chat.id)
      await k.status(v, 'agent')
      await v.say('/END')
      await k.seenText(v, T.onUserHitlCloseMessage)
      await waitFor('chat closed in SalesIQ', async () => (await k.operatorView(chat.id)).state === 'ended', k.wait)
      await k.status(v, 'bot')
      await k.botAnswers(v, 'ok')
      await k.settle()
      const texts = (await v.view()).messages.map((m) => m.payload.text)
      expect(texts.filter((t) => END_TEXTS.includes(t))).toEqual([T.onUserHitlCloseMessage])
      expect((await k.operatorTexts(chat.id)).map(([, t]) => t)).not.toContain('/END') // a command, not a message
    })

    it('#13 the plugin’s "( The user has ended the session. )" reaches the operator as the bot’s words', async () => {
      const v = await k.visitor('Eve')
      const chat = await k.escalate(v)
      await k.accept(chat.id)
      await k.status(v, 'agent')
      await v.say('/end')
      await waitFor('chat closed in SalesIQ', async () => (await k.operatorView(chat.id)).state === 'ended', k.wait)
      const texts = (await k.operatorTexts(chat.id)).map(([, t]) => t)
      const notice = texts.find((t) => t.includes(T.onUserHitlCancelledMessage))
      expect(notice).toMatch(/^Bot: /)
    })

    it('files both ways', async () => {
      const v = await k.visitor('Fay')
      const chat = await k.escalate(v)
      await k.accept(chat.id)
      await k.status(v, 'agent')
      await v.sendFile('photo.png', PNG, 'image/png')
      await waitFor(
        'operator gets the file',
        async () => (await k.operatorView(chat.id)).messages.find((m: any) => m.message.file?.name === 'photo.png'),
        k.wait
      )
      await k.control('POST', `/conversations/${chat.id}/reply`, {
        file: {
          name: 'invoice.pdf',
          contentType: 'application/pdf',
          base64: Buffer.from('%PDF-1.4 invoice').toString('base64'),
        },
      })
      const m = await k.seen(v, 'operator file', (x) => x.author === 'agent' && x.type === 'file')
      expect(m.authorName).toBe(ADA)
      const res = await fetch(m.payload.fileUrl)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.4 invoice')
    })

    const kt = storyKit(() => timed, latencyMs)
    it('assignment timeout configured: nobody accepts, the plugin ends the session and closes the chat', async () => {
      const v = await kt.visitor('Tim')
      const chat = await kt.escalate(v)
      await kt.seenText(v, T.onAgentAssignedTimeoutMessage)
      await waitFor('chat closed', async () => (await kt.operatorView(chat.id)).state !== 'waiting', kt.wait)
      await kt.status(v, 'bot')
      await kt.settle()
      const texts = (await v.view()).messages.map((m) => m.payload.text)
      expect(texts.filter((t) => END_TEXTS.includes(t))).toEqual([T.onAgentAssignedTimeoutMessage])
      expect(texts).not.toContain(T.onHumanAgentAssignedMessage)
    })

    it('two visitors at once never see each other', async () => {
      const [a, b] = await Promise.all([k.visitor('Pat'), k.visitor('Sam')])
      const [ca, cb] = await Promise.all([k.escalate(a), k.escalate(b)])
      expect(ca.id).not.toBe(cb.id)
      await Promise.all([k.accept(ca.id), k.accept(cb.id, k.ids().busyOperatorId)])
      await Promise.all([k.status(a, 'agent'), k.status(b, 'agent')])
      await Promise.all([a.say('I am Pat'), b.say('I am Sam')])
      await Promise.all([k.operatorSees(ca.id, 'I am Pat'), k.operatorSees(cb.id, 'I am Sam')])
      await Promise.all([k.reply(ca.id, 'for Pat'), k.reply(cb.id, 'for Sam', k.ids().busyOperatorId)])
      const [pa, sb] = await Promise.all([k.seenText(a, 'for Pat'), k.seenText(b, 'for Sam')])
      expect([pa.authorName, sb.authorName]).toEqual([ADA, BEN])
      await k.settle()
      expect((await a.view()).messages.map((m) => m.payload.text)).not.toContain('for Sam')
      expect((await b.view()).messages.map((m) => m.payload.text)).not.toContain('for Pat')
      expect((await k.operatorTexts(ca.id)).map(([, t]) => t)).not.toContain('I am Sam')
      expect((await k.operatorTexts(cb.id)).map(([, t]) => t)).not.toContain('I am Pat')
    })

    const kf = storyKit(() => faulty, latencyMs)
    it('a failed escalation: the visitor reads the handoff text and nothing misleading after', async () => {
      await kf.control('POST', '/faults', { method: 'POST', path: '*/conversations', status: 400, count: 1 })
      const v = await kf.visitor('Finn')
      await v.say('talk to a human')
      await kf.seenText(v, T.onHitlHandoffMessage)
      await waitFor(
        'the failure on the timeline',
        async () => faulty.timeline.list().find((r) => /startHitl/.test(r.summary) && isFailure(r.status)),
        kf.wait
      )
      await kf.settle()
      const view = await v.view()
      expect(view.status.status).toBe('bot')
      expect(transcriptOf(view.messages)).toEqual([
        ['visitor', '', 'talk to a human'],
        ['bot', '', WAIT_TEXT],
        ['bot', '', T.onHitlHandoffMessage],
      ])
      expect(await kf.chats(v)).toEqual([])
      await kf.botAnswers(v, 'hello?') // the bot still answers
    })

    /** A first session with Ada, ended by her; then the visitor escalates again. Returns both chats. */
    const twoSessions = async (v: Visitor) => {
      const first = await k.escalate(v)
      await k.accept(first.id)
      await k.status(v, 'agent')
      await k.reply(first.id, 'First session here')
      await k.seenText(v, 'First session here')
      await k.complete(first.id)
      await k.status(v, 'bot')
      const { hitlConversationId: firstSession } = (await v.view()).status
      await v.say('talk to a human')
      const second = await k.chatOf(v, 2)
      expect(second.id).not.toBe(first.id)
      // Active again, on a new hitl conversation.
      await waitFor(
        'the second session active',
        async () => {
          const now = (await v.view()).status
          return now.status !== 'bot' && now.hitlConversationId && now.hitlConversationId !== firstSession
        },
        k.wait
      )
      return { first, second }
    }

    it('a second escalation of the same visitor opens a new chat and works like the first', async () => {
      const v = await k.visitor('Sue')
      const { first, second } = await twoSessions(v)
      await waitFor('two handoff texts', async () => (await k.count(v, T.onHitlHandoffMessage)) === 2, k.wait)
      await k.accept(second.id, k.ids().busyOperatorId)
      await waitFor('Ben is the agent', async () => (await v.view()).status.agentName === BEN, k.wait)
      await k.reply(second.id, 'Second session here', k.ids().busyOperatorId)
      const m = await k.seenText(v, 'Second session here')
      expect([m.author, m.authorName]).toEqual(['agent', BEN])
      await v.say('still there?')
      await k.operatorSees(second.id, 'still there?')
      expect((await k.operatorTexts(first.id)).map(([, t]) => t)).not.toContain('still there?')
      await k.settle()
      expect(await k.count(v, T.onHumanAgentAssignedMessage)).toBe(2)
    })

    it('a second escalation: until a new agent comes the visitor is shown waiting, not with the earlier agent', async () => {
      // The plugin leaves the first agent's tags on the upstream conversation; the current hitl conversation has none.
      const v = await k.visitor('Una')
      await twoSessions(v)
      expect((await v.view()).status).toMatchObject({ status: 'waiting' })
      expect((await v.view()).status.agentName).toBeUndefined()
    })

    it('#13 the operator’s transcript labels an earlier session’s agent messages as the agent, plugin texts as the bot', async () => {
      const v = await k.visitor('Liz')
      const first = await k.escalate(v)
      await k.accept(first.id)
      await k.status(v, 'agent')
      await k.reply(first.id, 'Earlier agent words')
      await k.seenText(v, 'Earlier agent words')
      await k.complete(first.id)
      await k.status(v, 'bot')
      await v.say('talk to a human')
      const second = await k.chatOf(v, 2)
      const transcript = await waitFor(
        'the transcript',
        async () => (await k.operatorTexts(second.id)).map(([, t]) => t).join('\n') || undefined,
        k.wait
      )
      expect(transcript).toContain(`Bot: ${T.onHitlStoppedMessage}`)
      expect(transcript).not.toContain(`${v.name}: Earlier agent words`)
      expect(transcript).not.toContain('Bot: Earlier agent words')
      // The earlier agent is named as such; if their words are repeated, they are theirs.
      expect(transcript).toContain(ADA)
      for (const line of transcript.split('\n').filter((l) => l.includes('Earlier agent words')))
        expect(line.startsWith(ADA)).toBe(true)
    })
    /** The operator accepts the moment the chat appears and answers at once: both reach the visitor, "joined" once. */
    const earlyOperator = async (kit: ReturnType<typeof storyKit>, name: string, words: string) => {
      const v = await kit.visitor(name)
      await v.say('talk to a human')
      const chat = await kit.chatOf(v)
      await kit.accept(chat.id)
      await kit.reply(chat.id, words)
      const m = await kit.seenText(v, words)
      expect([m.author, m.authorName]).toEqual(['agent', ADA])
      await kit.seenText(v, T.onHumanAgentAssignedMessage)
      expect(await kit.status(v, 'agent')).toMatchObject({ agentName: ADA })
      await kit.settle()
      expect(await kit.count(v, T.onHumanAgentAssignedMessage)).toBe(1)
    }
    if (latencyMs === 500) {
      it('#13 at 1000 ms per bot→API call: the assignment and an operator’s early reply still reach the visitor', () =>
        earlyOperator(
          storyKit(() => slow!, 1000),
          'Slow',
          'Early words'
        ))
      it('#13 the same with the 1000 ms spent on the way back: the API sees the plugin’s writes earliest', () =>
        earlyOperator(
          storyKit(() => slowBack!, 1000),
          'Back',
          'Early words'
        ))
    }
  })
}

const isFailure = (status: unknown) =>
  (typeof status === 'number' && status >= 400) || (typeof status === 'string' && /fail|error/i.test(status))
