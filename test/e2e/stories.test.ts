import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEXTS } from '../../sandbox/bot/hitl-bot'
import { startStack, type Stack } from '../../sandbox/stack'
import { waitFor, zoho } from '../harness/helpers'
import { Visitor } from '../harness/visitor'

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

/** The whole loop: page API → bot (plugin-like) → integration → Zoho emulator → webhooks → integration → bot → page. */
for (const instances of [1, 2]) {
  describe(`stories with ${instances} integration instance(s)`, () => {
    let stack: Stack
    beforeAll(async () => {
      stack = await startStack({ instances })
    })
    afterAll(async () => stack?.close())

    const ids = () => stack.zoho.ids
    const chatOf = (v: Visitor) =>
      waitFor('the SalesIQ chat', async () =>
        (await zoho<any[]>(stack, 'GET', '/conversations')).find((c) => c.visitor?.name === v.name)
      )
    const operatorSees = (chatId: string, text: string) =>
      waitFor(`operator sees "${text}"`, async () =>
        (await zoho(stack, 'GET', `/conversations/${chatId}`)).messages.find((m: any) => m.message.text === text)
      )

    it('happy path: escalate, talk both ways, operator ends, back to the bot', async () => {
      const v = await new Visitor(stack, `Alice${instances}`).start()
      await v.say('hi')
      await v.waitForMessage('bot reply', (m) => m.author === 'bot' && m.type === 'choice')
      await v.say('talk to a human')
      // SalesIQ auto-assigns ~100 ms after the chat opens: before startHitl returned. It must still arrive.
      const joined = await v.waitForStatus('agent')
      expect(joined.agentName).toBe('Ada Lovelace')
      await v.waitForMessage('agent joined', (m) => m.payload.text === TEXTS.joined)
      const chat = await chatOf(v)
      expect(
        (await zoho(stack, 'GET', `/conversations/${chat.id}`)).messages.map((m: any) => m.message.text).join('\n')
      ).toContain(`${v.name}: talk to a human`)

      await v.say('my order is late')
      await operatorSees(chat.id, 'my order is late')
      await zoho(stack, 'POST', `/conversations/${chat.id}/reply`, { text: 'Let me check that for you' })
      const reply = await v.waitForMessage('operator reply', (m) => m.payload.text === 'Let me check that for you')
      expect(reply.author).toBe('agent')
      expect(reply.authorName).toBe('Ada Lovelace')

      await zoho(stack, 'POST', `/conversations/${chat.id}/complete`, {})
      await v.waitForMessage('agent left', (m) => m.payload.text === TEXTS.left)
      await v.waitForStatus('bot')
      await v.say('thanks')
      await waitFor(
        'the bot answers again',
        async () => (await v.view()).messages.filter((m) => m.author === 'bot' && m.type === 'choice').length >= 2
      )
      const all = (await v.view()).messages
      expect(all.filter((m) => m.payload.text === 'Let me check that for you')).toHaveLength(1)
      expect(all.filter((m) => m.payload.text === TEXTS.joined)).toHaveLength(1)
    })

    it('missed chat: the visitor is told nobody was available, then is back with the bot', async () => {
      await zoho(stack, 'PUT', `/apps/${ids().appId}`, { chatAssignment: 'manual', waitingTimeSec: 1 })
      try {
        const v = await new Visitor(stack, `Mia${instances}`).start()
        await v.say('talk to a human')
        await v.waitForStatus('waiting')
        await v.waitForMessage('missed notice', (m) =>
          String(m.payload.text).startsWith('Sorry, no agent is available')
        )
        await v.waitForStatus('bot')
      } finally {
        await zoho(stack, 'PUT', `/apps/${ids().appId}`, { chatAssignment: 'auto_assign', waitingTimeSec: 60 })
      }
    })

    it('operator transfer: the new operator becomes the agent', async () => {
      const v = await new Visitor(stack, `Tara${instances}`).start()
      await v.say('talk to a human')
      await v.waitForStatus('agent')
      const chat = await chatOf(v)
      await zoho(stack, 'POST', `/conversations/${chat.id}/transfer`, {
        operatorId: ids().busyOperatorId,
        resolve: 'accept',
      })
      await waitFor('Ben takes over', async () => (await v.view()).status.agentName === 'Ben Busy')
      await zoho(stack, 'POST', `/conversations/${chat.id}/reply`, {
        text: 'Ben here',
        operatorId: ids().busyOperatorId,
      })
      const m = await v.waitForMessage('Ben replies', (x) => x.payload.text === 'Ben here')
      expect(m.authorName).toBe('Ben Busy')
    })

    it('visitor /end closes the SalesIQ chat and hands back to the bot', async () => {
      const v = await new Visitor(stack, `Ed${instances}`).start()
      await v.say('talk to a human')
      await v.waitForStatus('agent')
      const chat = await chatOf(v)
      await v.say('/end')
      await v.waitForMessage('ended', (m) => m.payload.text === TEXTS.ended)
      await waitFor(
        'chat closed in SalesIQ',
        async () => (await zoho(stack, 'GET', `/conversations/${chat.id}`)).state === 'ended'
      )
      await new Promise((r) => setTimeout(r, 500)) // let the completed webhook come back
      const texts = (await v.view()).messages.map((m) => m.payload.text)
      expect(texts).not.toContain(TEXTS.left)
      expect((await v.view()).status.status).toBe('bot')
    })

    it('two visitors at once never see each other', async () => {
      const [a, b] = await Promise.all([
        new Visitor(stack, `Pat${instances}`).start(),
        new Visitor(stack, `Sam${instances}`).start(),
      ])
      await Promise.all([a.say('talk to a human'), b.say('talk to a human')])
      await Promise.all([a.waitForStatus('agent'), b.waitForStatus('agent')])
      const [ca, cb] = await Promise.all([chatOf(a), chatOf(b)])
      expect(ca.id).not.toBe(cb.id)
      await Promise.all([a.say('I am Pat'), b.say('I am Sam')])
      await Promise.all([operatorSees(ca.id, 'I am Pat'), operatorSees(cb.id, 'I am Sam')])
      await zoho(stack, 'POST', `/conversations/${ca.id}/reply`, { text: 'for Pat' })
      await zoho(stack, 'POST', `/conversations/${cb.id}/reply`, { text: 'for Sam' })
      await a.waitForMessage('Pat reply', (m) => m.payload.text === 'for Pat')
      await b.waitForMessage('Sam reply', (m) => m.payload.text === 'for Sam')
      const aTexts = (await a.view()).messages.map((m) => m.payload.text)
      const bTexts = (await b.view()).messages.map((m) => m.payload.text)
      expect(aTexts).not.toContain('for Sam')
      expect(bTexts).not.toContain('for Pat')
      expect(
        (await zoho(stack, 'GET', `/conversations/${ca.id}`)).messages.map((m: any) => m.message.text)
      ).not.toContain('I am Sam')
    })

    it('files both ways', async () => {
      const v = await new Visitor(stack, `Fay${instances}`).start()
      await v.say('talk to a human')
      await v.waitForStatus('agent')
      const chat = await chatOf(v)
      await v.sendFile('photo.png', PNG, 'image/png')
      await waitFor('operator gets the file', async () =>
        (await zoho(stack, 'GET', `/conversations/${chat.id}`)).messages.find(
          (m: any) => m.message.file?.name === 'photo.png'
        )
      )
      await zoho(stack, 'POST', `/conversations/${chat.id}/reply`, {
        file: {
          name: 'invoice.pdf',
          contentType: 'application/pdf',
          base64: Buffer.from('%PDF-1.4 invoice').toString('base64'),
        },
      })
      const m = await v.waitForMessage('operator file', (x) => x.author === 'agent' && x.type === 'file')
      const res = await fetch(m.payload.fileUrl)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.4 invoice')
    })
  })
}

describe('assignment timeout', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({ botConfig: { agentAssignedTimeoutSeconds: 2 } })
    await zoho(stack, 'PUT', `/apps/${stack.zoho.ids.appId}`, { chatAssignment: 'manual', waitingTimeSec: 600 })
  })
  afterAll(async () => stack?.close())

  it('nobody accepts in time: the plugin stops the session, the SalesIQ chat is closed', async () => {
    const v = await new Visitor(stack, 'Tim').start()
    await v.say('talk to a human')
    await v.waitForMessage('timeout notice', (m) => m.payload.text === TEXTS.timeout)
    const chat = (await zoho<any[]>(stack, 'GET', '/conversations')).find((c) => c.visitor?.name === 'Tim')
    await waitFor(
      'chat closed',
      async () => (await zoho(stack, 'GET', `/conversations/${chat.id}`)).state !== 'waiting'
    )
  })
})
