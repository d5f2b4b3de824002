import { Client, isApiError } from '@botpress/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { waitFor } from '../harness/helpers'
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
