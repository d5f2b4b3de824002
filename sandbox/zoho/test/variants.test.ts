import { createPublicKey, verify } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { createWebhook, openChat, siq, startFast, startReceiver } from './helpers'

/** The settings that play the variants nobody has seen in real traffic (reference A2, A4, A8). */
let em: ZohoEmulator
let client: ZohoEmulatorClient
let rx: Awaited<ReturnType<typeof startReceiver>>
let token: string

beforeAll(async () => {
  ;({ em, client } = await startFast())
  rx = await startReceiver()
})
afterAll(async () => {
  await em.close()
  await rx.close()
})
beforeEach(async () => {
  await client.reset()
  rx.state.received = []
  token = await client.accessToken()
})

const rest = () => `/api/v2/${em.credentials.screenName}`
const PNG = { name: 'a.png', contentType: 'image/png', data: Buffer.from('png-bytes') }

async function chatWithFile() {
  if (!(await client.state()).webhooks.length) await createWebhook(em, token, rx.url, ['conversation.operator.replied'])
  const chat = await openChat(em, token, `u-${Math.random()}`)
  const { msgid } = await client.operatorReply(chat.conversation_id, { file: PNG })
  const d = await client.waitForDelivery(
    (d) => d.event === 'conversation.operator.replied' && d.entityId === chat.conversation_id
  )
  const list = await siq(em, token, 'GET', `${rest()}/conversations/${chat.conversation_id}/messages`)
  return { chat, msgid, message: d.envelope.entity.message, listed: list.json.data[0] }
}

describe('operatorFileShape', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- delivery bodies are untyped JSON
  const where: Record<string, (m: any) => unknown> = {
    file: (m) => m.file?.url,
    attachments: (m) => m.attachments?.[0]?.url,
    attachment: (m) => m.attachment?.url,
    meta_file_url: (m) => m.meta?.file_url,
    type_file: (m) => m.type === 'file' && m.url,
  }
  for (const [shape, urlOf] of Object.entries(where))
    it(`'${shape}' puts the file there, in the delivery and in the REST list`, async () => {
      await client.setSettings({ operatorFileShape: shape })
      const { message, listed } = await chatWithFile()
      expect(String(urlOf(message))).toMatch(/\/attachments\/[0-9a-f]+\?file_name=a\.png/)
      expect(String(urlOf({ ...listed.message, type: listed.type }))).toMatch(/\/attachments\//)
      for (const other of Object.keys(where).filter((k) => k !== shape && k !== 'type_file'))
        expect(where[other]!(message)).toBeUndefined()
    })

  it("'unknown' carries no URL and no file name anywhere", async () => {
    await client.setSettings({ operatorFileShape: 'unknown' })
    const { message } = await chatWithFile()
    expect(JSON.stringify(message)).not.toMatch(/attachments\/|a\.png/)
    expect(message.content).toBeDefined()
  })
})

describe('webhookIdsAsNumbers', () => {
  it('writes ids as bare JSON numbers, signed over exactly those bytes', async () => {
    await client.setSettings({ webhookIdsAsNumbers: true })
    const w = await createWebhook(em, token, rx.url, ['conversation.attender.updated'], true)
    const k = await siq(em, token, 'POST', `${rest()}/webhooks/${w.id}/keys`, {})
    const chat = await openChat(em, token)
    await client.waitForDelivery((d) => d.event === 'conversation.attender.updated')
    const got = rx.state.received[0]!
    expect(got.raw).toContain(`"entity_id":${chat.conversation_id},`)
    expect(got.raw).toContain(`"app_id":${em.credentials.appId},`)
    // 17 digits: JSON.parse alone rounds them.
    expect(String(JSON.parse(got.raw).entity_id)).not.toBe(chat.conversation_id)
    const key = createPublicKey({ key: Buffer.from(k.json.data.key, 'base64'), format: 'der', type: 'spki' })
    const sig = Buffer.from(String(got.headers['x-siqsignature']), 'base64')
    expect(verify('sha256', Buffer.from(got.raw, 'utf8'), key, sig)).toBe(true)
  })
})

describe('webhookVisitorShape', () => {
  it("'real' (default) has no user_id or email; 'documented' has them", async () => {
    await createWebhook(em, token, rx.url, ['conversation.attender.updated'])
    await openChat(em, token, 'u-real')
    const real = await client.waitForDelivery((d) => d.event === 'conversation.attender.updated')
    expect(real.envelope.entity.visitor).toEqual({
      id: expect.any(String),
      name: 'Vic Visitor',
      type: 'contact',
      first_name: 'Vic',
      last_name: 'Visitor',
      salutation: '',
      channel: 'website',
    })
    await client.setSettings({ webhookVisitorShape: 'documented' })
    await openChat(em, token, 'u-doc')
    const doc = await client.waitForDelivery(
      (d) => d.event === 'conversation.attender.updated' && d.envelope.entity.visitor.user_id === 'u-doc'
    )
    expect(doc.envelope.entity.visitor).toMatchObject({ email: 'vic@example.com', channel: 'website' })
  })
})

describe('REST message list', () => {
  it("restMessageSender: 'untyped' (default, the documented sample) or 'typed'", async () => {
    const { listed } = await chatWithFile()
    expect(listed.sender).not.toHaveProperty('type')
    await client.setSettings({ restMessageSender: 'typed' })
    const again = await chatWithFile()
    expect(again.listed.sender.type).toBe('operator')
  })

  it("restMessageIds: 'msgid' (default), 'id', 'distinct'", async () => {
    const a = await chatWithFile()
    expect(a.listed).toMatchObject({ id: a.msgid, msgid: a.msgid })
    await client.setSettings({ restMessageIds: 'id' })
    const b = await chatWithFile()
    expect(b.listed.id).toBe(b.msgid)
    expect(b.listed).not.toHaveProperty('msgid')
    await client.setSettings({ restMessageIds: 'distinct' })
    const c = await chatWithFile()
    expect(c.listed.id).not.toBe(c.msgid)
    expect(c.listed).not.toHaveProperty('msgid')
    expect(c.message.msgid).toBe(c.msgid)
  })
})

describe('endedChatErrorCode / endedChatErrorMessage', () => {
  it('answer an action on a chat that is over with the code and words set', async () => {
    const chat = await openChat(em, token)
    const close = () => siq(em, token, 'POST', `${rest()}/conversations/${chat.conversation_id}/close`)
    expect((await close()).json.data).toBeDefined()
    expect((await close()).json.error).toMatchObject({ code: 1016, message: expect.stringMatching(/no longer/) })
    await client.setSettings({ endedChatErrorCode: 1019, endedChatErrorMessage: 'Invalid resource' })
    expect((await close()).json.error).toEqual({ code: 1019, message: 'Invalid resource' })
  })
})

describe('POST /_emulator/webhooks/deliver', () => {
  it('delivers an entity of the caller making, signed; entityJson is spliced in as is', async () => {
    await createWebhook(em, token, rx.url, ['conversation.operator.replied'])
    const chat = await openChat(em, token)
    await client.deliver(chat.conversation_id, 'conversation.operator.replied', { entity: { message: { x: 1 } } })
    const d = await client.waitForDelivery((d) => d.event === 'conversation.operator.replied')
    expect(d.envelope).toMatchObject({ entity_id: chat.conversation_id, entity: { message: { x: 1 } } })
    const deep = '['.repeat(6000) + ']'.repeat(6000)
    await client.deliver(chat.conversation_id, 'conversation.operator.replied', { entityJson: `{"deep":${deep}}` })
    await client.waitFor(async () => rx.state.received.length >= 2, 'second delivery')
    expect(rx.state.received[1]!.raw).toContain(`"entity":{"deep":${deep}}`)
    await expect(client.deliver('nope', 'x', { entity: {} })).rejects.toThrow(/404/)
  })
})
