import { Client, isApiError } from '@botpress/client'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'
import { buildProtocolBot } from './protocol-bot'

/**
 * A bot bundle of the test's own (not the sandbox's bot), run through the stack's `botBundle` exactly as
 * SANDBOX_BOT runs it: in its own process, spoken to only over the bot protocol, calling the integration through
 * `POST /v1/chat/actions`.
 */
describe('a bot of your own, over the bot protocol', () => {
  let stack: Stack
  let bot: Awaited<ReturnType<typeof buildProtocolBot>>
  const asBot = () => new Client({ apiUrl: stack.botpress.url, botId: stack.identity.botId, retry: { retries: 0 } })
  const deliveries = async () =>
    (await asBot().callAction({ type: 'deliveries', input: {} })).output as {
      deliveries: Array<Record<string, any>>
      configuration: unknown
    }

  beforeAll(async () => {
    bot = await buildProtocolBot()
    stack = await startStack({ botBundle: bot.bundle, botConfig: { greeting: 'hello' } })
  })
  afterAll(async () => {
    await stack?.close()
    bot?.remove()
  })

  it('escalates with callAction and gets zoho-salesiq-hitl:hitlAssigned; the agent shows by name', async () => {
    const v = await new Visitor(stack, 'Proto Col').start()
    await v.say('human')
    const escalated = await v.waitForMessage('the escalation', (m) =>
      /^(escalated|failed)/.test(String(m.payload.text))
    )
    expect(escalated.payload.text).toMatch(/^escalated conv_/)
    const assigned = await v.waitForMessage('the agent', (m) => m.payload.text === 'assigned')
    expect(assigned.author).toBe('agent')
    expect(assigned.authorName).toBe('Ada Lovelace')

    const hitlConversationId = String(escalated.payload.text).split(' ')[1]
    const { deliveries: got } = await deliveries()
    expect(got).toContainEqual({
      kind: 'message',
      type: 'text',
      text: 'human',
      integration: 'webchat',
      channel: 'channel',
      userId: v.userId,
    })
    const event = got.find((d) => d.kind === 'event' && d.type === 'zoho-salesiq-hitl:hitlAssigned')
    expect(event?.payload.conversationId).toBe(hitlConversationId)
    // what the bot writes is not delivered back to it
    expect(got.filter((d) => d.kind === 'message' && d.integration === 'webchat').map((d) => d.text)).toEqual(['human'])

    // the timeline shows the deliveries to the bot, the routed actions and the integration calls, with where
    const { items } = (await (await fetch(`${stack.url}/api/timeline`)).json()) as { items: any[] }
    const chatId = stack.botpress.bot(stack.identity.botId).conversations.get(hitlConversationId)?.tags.chatId
    expect(chatId).toBeTruthy()
    expect(items).toContainEqual(
      expect.objectContaining({ source: 'bot', kind: 'event_received', conversationId: v.conversationId, status: 200 })
    )
    expect(items).toContainEqual(
      expect.objectContaining({
        source: 'bot',
        kind: 'event_received',
        summary: 'zoho-salesiq-hitl:hitlAssigned',
        conversationId: hitlConversationId,
        chatId,
      })
    )
    expect(items).toContainEqual(
      expect.objectContaining({
        source: 'botpress',
        kind: 'callAction',
        summary: 'zoho-salesiq-hitl:startHitl → zoho-salesiq-hitl',
      })
    )
    expect(items).toContainEqual(
      expect.objectContaining({ source: 'integration', kind: 'action_triggered', summary: 'startHitl', instance: 0 })
    )
    expect(items).toContainEqual(
      expect.objectContaining({ source: 'integration', kind: 'webhook_received', chatId, instance: 0 })
    )
  })

  it("a visitor message whose relayed copy the integration refused shows `failed` with the integration's words", async () => {
    const v = await new Visitor(stack, 'Fay Led').start()
    await v.say('human')
    await v.waitForMessage('the agent', (m) => m.payload.text === 'assigned')
    await v.say('first words')
    const chat = await waitFor('the SalesIQ chat', async () =>
      (await zoho<any[]>(stack, 'GET', '/conversations')).find((c) => c.visitor?.name === v.name)
    )
    await waitFor('the operator reads it', async () =>
      (await zoho(stack, 'GET', `/conversations/${chat.id}`)).messages.some(
        (m: any) => m.message.text === 'first words'
      )
    )
    await zoho(stack, 'POST', '/faults', {
      path: '/api/visitor/v1/*/conversations/*/messages',
      method: 'POST',
      status: 500,
      count: 1,
    })
    try {
      await v.say('lost words')
      const lost = await v.waitForMessage('the failure', (m) => m.payload.text === 'lost words' && !!m.failed)
      expect(lost.author).toBe('visitor')
      expect(lost.failed).toMatch(/SalesIQ/i)
    } finally {
      await zoho(stack, 'DELETE', '/faults')
    }
    const first = (await v.view()).messages.find((m) => m.payload.text === 'first words')
    expect(first?.failed).toBeUndefined()
  })

  it("the integration's RuntimeError reaches the bot's callAction with the integration's message", async () => {
    let expected = ''
    await stack.runtime
      .callAction('startHitl', { userId: 'user_nobody', title: 'Protocol test', messageHistory: [] })
      .catch((err: Error) => (expected = err.message))
    expect(expected).toMatch(/user/i) // the integration's own words about the unknown user
    const v = await new Visitor(stack, 'Bro Ken').start()
    await v.say('broken')
    const failed = await v.waitForMessage('the failure', (m) => String(m.payload.text).startsWith('failed: '))
    expect(failed.payload.text).toBe(`failed: ${expected}`)
  })

  it("routes the bot's own actions to the bot, with its configuration, and passes its errors on", async () => {
    expect((await deliveries()).configuration).toEqual({ greeting: 'hello' })
    const err = await asBot()
      .callAction({ type: 'fail', input: {} })
      .catch((e: unknown) => e)
    expect(isApiError(err) && err.type === 'Runtime' && err.message).toBe('the bot refuses')
  })

  it('delivers an event the bot scheduled for itself when it is due', async () => {
    const v = await new Visitor(stack, 'Sched Uled').start()
    await asBot().createEvent({
      type: 'reminder',
      payload: { n: 1 },
      conversationId: v.conversationId,
      schedule: { delay: 300 },
    })
    const before = (await deliveries()).deliveries.filter((d) => d.type === 'reminder')
    expect(before).toHaveLength(0)
    await waitFor('the reminder', async () =>
      (await deliveries()).deliveries.find((d) => d.kind === 'event' && d.type === 'reminder')
    )
  })
})

/** The local addresses listening on `port` (Linux /proc/net/tcp and tcp6, hex as the kernel writes them). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A')
      .map((cols) => cols[1]!.split(':')[0]!)
  )
}

describe('integration and bot processes', () => {
  it('the integration and bot processes accept connections on 127.0.0.1 and nowhere else', async () => {
    const bot = await buildProtocolBot()
    const stack = await startStack({ botBundle: bot.bundle, register: false, privateFetchHosts: ['127.0.0.1:9'] })
    try {
      for (const url of [stack.pool.instances[0]!.url, stack.botProcess!.url]) {
        const addresses = listeningAddresses(Number(new URL(url).port))
        expect(addresses, url).toEqual(['0100007F']) // 127.0.0.1, and no [::] or 0.0.0.0 listener
      }
      // contract item 8: the integration may fetch the Botpress emulator's files (and the test's own hosts)
      const environ = readFileSync(`/proc/${stack.pool.instances[0]!.pid}/environ`, 'utf8').split('\0')
      const allowed = environ
        .find((v) => v.startsWith('ALLOW_PRIVATE_FETCH_HOSTS='))
        ?.split('=')[1]
        ?.split(',')
      expect(allowed).toEqual(expect.arrayContaining([new URL(stack.botpress.url).host, '127.0.0.1:9']))
    } finally {
      await stack.close()
      bot.remove()
    }
  })
})

describe('SANDBOX_BOT_API_LATENCY_MS', () => {
  it('delays each Botpress API call the bot makes', async () => {
    const bot = await buildProtocolBot()
    const stack = await startStack({ botBundle: bot.bundle, botApiLatencyMs: 400, register: false })
    try {
      const v = await new Visitor(stack, 'Slow Poke').start()
      await v.say('human') // the bot escalates and writes back, timing its createMessage
      await v.waitForMessage('the escalation', (m) => /^(escalated|failed)/.test(String(m.payload.text)), 20_000)
      const asBot = new Client({ apiUrl: stack.botpress.url, botId: stack.identity.botId })
      const { output } = await asBot.callAction({ type: 'slowest', input: {} })
      expect(output.ms).toBeGreaterThanOrEqual(400)
    } finally {
      await stack.close()
      bot.remove()
    }
  })
})
