import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { action, openChat, waitFor } from '../harness/helpers'

/**
 * The variants no real sample settles (reference A2, A4, A8; issue #15): the Zoho emulator plays each one, the built
 * integration runs behind the integration protocol, and the test reads what reached the Botpress API emulator.
 */
let stack: Stack
let zoho: ZohoEmulatorClient

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

beforeAll(async () => {
  stack = await startStack({ bot: false, zohoSettings: { autoAssignDelayMs: 60_000, webhookRetryIntervalMs: 300 } })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
})
afterAll(async () => stack?.close())
beforeEach(async () => {
  await zoho.clearFaults()
  await zoho.setSettings({
    autoAssignDelayMs: 60_000,
    operatorFileShape: 'file',
    webhookIdsAsNumbers: false,
    restMessageSender: 'untyped',
    restMessageIds: 'msgid',
    endedChatErrorCode: 1016,
    closeClosedConversation: 'error',
  })
  await botpressSettings({ publicFileProcessingMs: 1000 })
})

const botpressSettings = (patch: Record<string, unknown>) =>
  fetch(`${stack.botpress.url}/_emulator/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  })
const bot = () => stack.botpress.dump().bots[stack.identity.botId]!
const messagesOf = (conversationId: string) => bot().messages.filter((m) => m.conversationId === conversationId)
const textsOf = (conversationId: string) => messagesOf(conversationId).map((m) => String(m.payload.text ?? ''))
const eventsOf = (conversationId: string, type: string) =>
  bot().events.filter((e) => e.conversationId === conversationId && e.type === type)

async function assignedChat(name: string) {
  const { conversationId, chatId } = await openChat(stack, name)
  await zoho.accept(chatId, stack.zoho.ids.availableOperatorId)
  await waitFor('hitlAssigned', async () => eventsOf(conversationId, 'hitlAssigned').length > 0)
  return { conversationId, chatId }
}

const answered = (event: string, chatId: string, count = 1) =>
  waitFor(`${count} answered ${event}`, async () => {
    const list = (await zoho.deliveries({ event, entityId: chatId })).filter((d) => d.status !== null)
    return list.length >= count ? list : undefined
  })

describe('operator files, in every shape the emulator can play (point 1)', () => {
  for (const shape of ['file', 'attachments', 'attachment', 'meta_file_url', 'type_file'])
    it(`'${shape}': re-hosted and shown as an image, readable at once (point 4)`, async () => {
      await zoho.setSettings({ operatorFileShape: shape })
      // Botpress would take a minute to process a public file uploaded without publicContentImmediatelyAccessible.
      await botpressSettings({ publicFileProcessingMs: 60_000 })
      const chat = await assignedChat(`Files ${shape}`)
      await zoho.operatorReply(chat.chatId, { file: { name: 'shot.png', contentType: 'image/png', data: PNG } })
      const msg = await waitFor('image', async () => messagesOf(chat.conversationId).find((m) => m.type === 'image'))
      const res = await fetch(String(msg.payload.imageUrl))
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true)
    })

  it('a message with neither text nor a readable file: a notice, and its shape logged once at warn', async () => {
    await zoho.setSettings({ operatorFileShape: 'unknown' })
    const chat = await assignedChat('Unknown shape')
    const before = stack.pool.output().split('Please report this shape').length
    for (const name of ['secret-plan.pdf', 'other-secret.pdf']) {
      await zoho.operatorReply(chat.chatId, { file: { name, contentType: 'application/pdf', data: '%PDF' } })
    }
    await answered('conversation.operator.replied', chat.chatId, 2)
    // The first operator messages are held back until the plugin knows the agent (hold-back.ts): wait for them.
    const notices = await waitFor('two notices', async () => {
      const found = textsOf(chat.conversationId).filter((t) => /cannot be shown here/.test(t))
      return found.length >= 2 ? found : undefined
    })
    await new Promise((r) => setTimeout(r, 300)) // and no third one
    expect(textsOf(chat.conversationId).filter((t) => /cannot be shown here/.test(t))).toEqual(notices)
    expect(notices).toHaveLength(2)
    const out = stack.pool.output()
    expect(out.split('Please report this shape').length - before).toBe(1)
    const line = out.split('\n').find((l) => l.includes('Please report this shape'))!
    expect(line).toMatch(/content: \{key: string, label: number\}/)
    expect(line).not.toMatch(/secret/)
  })
})

describe('big numeric ids (point 5)', () => {
  it('a delivery whose ids are JSON numbers of 17 digits is read without rounding', async () => {
    await zoho.setSettings({ webhookIdsAsNumbers: true })
    const chat = await assignedChat('Numbers')
    const { msgid } = await zoho.operatorReply(chat.chatId, { text: 'ids as numbers' })
    const [d] = await answered('conversation.operator.replied', chat.chatId)
    expect(d!.body).toContain(`"entity_id":${chat.chatId}`)
    const msg = await waitFor('the reply', async () =>
      messagesOf(chat.conversationId).find((m) => m.payload.text === 'ids as numbers')
    )
    // JSON.parse would make 71000000005000001 into …5000000: the dedupe key and the operator would be wrong.
    expect(msg.tags.zohoMessageId).toBe(`${chat.chatId}:${msgid}`)
    const author = bot().users.find((u) => u.id === msg.userId)!
    expect(author.tags.operatorId).toBe(stack.zoho.ids.availableOperatorId)
  })
})

describe('catch-up at chat end, in every REST variant (point 2)', () => {
  const variants = [
    { restMessageSender: 'untyped', restMessageIds: 'msgid' },
    { restMessageSender: 'typed', restMessageIds: 'msgid' },
    { restMessageSender: 'untyped', restMessageIds: 'id' },
    { restMessageSender: 'untyped', restMessageIds: 'distinct' },
    { restMessageSender: 'typed', restMessageIds: 'distinct' },
  ]
  for (const v of variants)
    it(`sender ${v.restMessageSender}, ids ${v.restMessageIds}: a reply reordered after completed is relayed once, nothing else twice`, async () => {
      await zoho.setSettings(v)
      const chat = await assignedChat(`Catch-up ${v.restMessageSender} ${v.restMessageIds}`)
      await zoho.operatorReply(chat.chatId, { text: 'ok' })
      await zoho.operatorReply(chat.chatId, { text: 'first answer' })
      await waitFor('relayed', async () => textsOf(chat.conversationId).includes('first answer'))
      await zoho.addWebhookFault({ action: 'hold' })
      await zoho.operatorReply(chat.chatId, { text: 'ok' }) // the same text again: still its own message
      await zoho.operatorReply(chat.chatId, { text: 'last words' })
      await zoho.complete(chat.chatId)
      await zoho.clearFaults()
      await zoho.releaseDeliveries('reverse') // completed first, then the two replies
      await waitFor('hitlStopped', async () => eventsOf(chat.conversationId, 'hitlStopped').length > 0)
      await answered('conversation.operator.replied', chat.chatId, 4)
      const stoppedAt = new Date(eventsOf(chat.conversationId, 'hitlStopped')[0]!.createdAt).getTime()
      const count = (text: string) => textsOf(chat.conversationId).filter((t) => t === text).length
      expect([count('ok'), count('first answer'), count('last words')]).toEqual([2, 1, 1])
      const last = messagesOf(chat.conversationId).find((m) => m.payload.text === 'last words')!
      expect(new Date(last.createdAt).getTime()).toBeLessThanOrEqual(stoppedAt)
    })
})

describe('a chat that is already over (point 3)', () => {
  const variants: Array<Record<string, unknown>> = [
    {},
    { endedChatErrorMessage: 'Permission denied' },
    { endedChatErrorCode: 1019, endedChatErrorMessage: 'Invalid resource' },
    { endedChatErrorCode: 1004, endedChatErrorMessage: 'Invalid request type' },
    { closeClosedConversation: 'idempotent' },
  ]
  for (const v of variants)
    it(`stopHitl succeeds quietly: ${JSON.stringify(v)}`, async () => {
      await zoho.setSettings(v)
      const chat = await assignedChat(`Over ${JSON.stringify(v)}`)
      await zoho.complete(chat.chatId)
      await waitFor('hitlStopped', async () => eventsOf(chat.conversationId, 'hitlStopped').length > 0)
      const before = stack.pool.output().length
      const r = await action(stack, 'stopHitl', { conversationId: chat.conversationId })
      expect(r.status).toBe(200)
      expect(stack.pool.output().slice(before)).not.toMatch(/permission/i)
    })

  it('a real permission error on an open chat keeps the advice', async () => {
    const chat = await assignedChat('Denied')
    await zoho.addFault({
      path: '/api/v2/*/conversations/*/close',
      status: 200,
      body: { error: { code: 1016, message: 'Permission denied' } },
      count: 5,
    })
    const r = await action(stack, 'stopHitl', { conversationId: chat.conversationId })
    expect(r.status).not.toBe(200)
    expect(JSON.stringify(r.body)).toMatch(/check that the Zoho user who connected is a SalesIQ operator/)
    expect((await zoho.conversation(chat.chatId)).state).toBe('connected')
  })
})
