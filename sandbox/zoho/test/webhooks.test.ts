import { createPublicKey, verify } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { createWebhook, openChat, siq, startFast, startReceiver } from './helpers'

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
  rx.state.headStatus = 200
  rx.state.statuses = []
  rx.state.received = []
  rx.state.delayMs = 0
  token = await client.accessToken()
})

const base = () => `/api/v2/${em.credentials.screenName}/webhooks`

describe('webhook management', () => {
  it('fails the create when the HEAD check does not answer 200', async () => {
    rx.state.headStatus = 404
    const r = await siq(em, token, 'POST', base(), { type: 'data', url: rx.url, events: ['conversation.completed'] })
    expect(r.json.error).toMatchObject({ code: 1011, json_key: 'url' })
    expect((await siq(em, token, 'GET', `${base()}?type=data`)).json.data).toEqual([])
  })

  it('fails the create when the URL does not answer at all', async () => {
    const r = await siq(em, token, 'POST', base(), {
      type: 'data',
      url: 'http://127.0.0.1:9/nothing',
      events: ['conversation.completed'],
    })
    expect(r.json.error.code).toBe(1011)
  })

  it('creates, lists, updates (HEAD again) and deletes', async () => {
    const w = await createWebhook(em, token, rx.url, ['conversation.completed'])
    expect(w).toMatchObject({
      type: 'data',
      status: 'enabled',
      secured: false,
      version: 1,
      events: ['conversation.completed'],
      public_keys: [],
    })
    const up = await siq(em, token, 'PUT', `${base()}/${w.id}`, {
      events: ['conversation.missed'],
      app_ids: [em.credentials.appId],
    })
    expect(up.json.data.events).toEqual(['conversation.missed'])
    rx.state.headStatus = 500
    expect((await siq(em, token, 'PUT', `${base()}/${w.id}`, { events: ['conversation.rated'] })).json.error.code).toBe(
      1011
    )
    expect((await siq(em, token, 'DELETE', `${base()}/${w.id}`)).json.data).toMatchObject({ id: w.id })
    expect((await siq(em, token, 'GET', base())).json.data).toEqual([])
  })
})

describe('deliveries', () => {
  it('signs secured deliveries so that crypto.verify accepts them with the key from /keys', async () => {
    const w = await createWebhook(em, token, rx.url, ['conversation.attender.updated'], true)
    const k = await siq(em, token, 'POST', `${base()}/${w.id}/keys`, {})
    const key = createPublicKey({ key: Buffer.from(k.json.data.key, 'base64'), format: 'der', type: 'spki' })
    const chat = await openChat(em, token)
    const d = await client.waitForDelivery((d) => d.event === 'conversation.attender.updated')
    expect(d.signed).toBe(true)
    const got = rx.state.received[0]
    const sig = Buffer.from(String(got.headers['x-siqsignature']), 'base64')
    expect(verify('sha256', Buffer.from(got.raw, 'utf8'), key, sig)).toBe(true)
    expect(verify('sha256', Buffer.from(got.raw.replace('Connected', 'Tampered'), 'utf8'), key, sig)).toBe(false)
    expect(got.headers['content-type']).toBe('application/json')
    expect(got.body).toMatchObject({
      handler: 'execution',
      entity_type: 'conversation',
      webhook: { id: w.id },
      event: 'conversation.attender.updated',
      entity_id: chat.conversation_id,
      attempt: 1,
      version: 1,
      app_id: em.credentials.appId,
      event_time: expect.stringMatching(/^\d+$/),
      entity: {
        id: chat.conversation_id,
        owner: { id: em.ids.availableOperatorId, type: 'operator' },
        // Real deliveries (A8): status_code 0 while connected; visitor without user_id or email, channel website.
        chat_status: { state_key: 'connected', status_code: 0 },
        participants: [em.ids.availableOperatorId],
        status: 'Connected',
        visitor: { name: 'Vic Visitor', type: 'contact', channel: 'website' },
      },
    })
    expect(got.body.entity.visitor).not.toHaveProperty('user_id')
    expect(got.body.entity.visitor).not.toHaveProperty('email')
    expect(got.body.entity.visitor).not.toHaveProperty('email_id')
  })

  it('auto-assigns a waiting chat and delivers attender.updated', async () => {
    await createWebhook(em, token, rx.url, ['conversation.attender.updated'])
    const chat = await openChat(em, token)
    expect(chat.chat_status.state_key).toBe('waiting')
    const d = await client.waitForDelivery((d) => d.event === 'conversation.attender.updated')
    expect(d.entityId).toBe(chat.conversation_id)
    expect((await client.conversation(chat.conversation_id)).state).toBe('connected')
  })

  it('redelivers a failed delivery with attempt: 2, and records a failed execution after the last retry', async () => {
    await createWebhook(em, token, rx.url, ['conversation.attender.updated'])
    rx.state.statuses = [500]
    await openChat(em, token)
    const second = await client.waitForDelivery((d) => d.attempt === 2)
    expect(second.status).toBe(200)
    expect(second.envelope.attempt).toBe(2)
    expect(rx.state.received.map((r) => r.body.attempt)).toEqual([1, 2])
  })

  it('keeps failed executions that can be retried through the API', async () => {
    await client.setSettings({ webhookMaxRetries: 1 })
    const w = await createWebhook(em, token, rx.url, ['conversation.attender.updated'])
    rx.state.statuses = [500, 503]
    await openChat(em, token)
    await client.waitForDelivery((d) => d.attempt === 2)
    const ex = await client.waitFor(
      async () => (await siq(em, token, 'GET', `${base()}/${w.id}/executions`)).json.data[0],
      'an execution'
    )
    expect(ex).toMatchObject({ event: 'conversation.attender.updated', attempt: 2, status_code: 503 })
    const retry = await siq(em, token, 'POST', `${base()}/${w.id}/executions`, { ids: [ex.id] })
    expect(retry.json.data).toEqual([{ id: ex.id, status: 'success' }])
    expect(rx.state.received.at(-1)!.body.attempt).toBe(3)
  })

  it('treats no answer within the timeout as a failure and retries', async () => {
    await client.setSettings({ webhookTimeoutMs: 100 })
    await createWebhook(em, token, rx.url, ['conversation.created'])
    rx.state.delayMs = 300
    await openChat(em, token)
    const first = await client.waitForDelivery((d) => d.event === 'conversation.created')
    expect(first).toMatchObject({ attempt: 1, status: null, error: 'no answer within 100 ms' })
    rx.state.delayMs = 0
    expect((await client.waitForDelivery((d) => d.attempt === 2 && d.status === 200)).event).toBe(
      'conversation.created'
    )
  })

  it('makes a waiting chat missed after the app waiting_time', async () => {
    await client.setOperator(em.ids.availableOperatorId, { status: 'offline' })
    await client.setApp(em.credentials.appId, { waitingTimeSec: 0.2 })
    await createWebhook(em, token, rx.url, ['conversation.missed'])
    const chat = await openChat(em, token)
    const d = await client.waitForDelivery((d) => d.event === 'conversation.missed')
    expect(d.envelope.entity).toMatchObject({
      id: chat.conversation_id,
      status: 'Missed',
      missed_time: expect.any(String),
      chat_status: { state_key: 'missed' },
    })
    expect((await client.conversation(chat.conversation_id)).state).toBe('missed')
  })

  it('delivers operator text and files; the attachment URL serves the bytes', async () => {
    await createWebhook(em, token, rx.url, [
      'conversation.operator.replied',
      'conversation.completed',
      'conversation.rated',
    ])
    const chat = await openChat(em, token)
    await client.operatorReply(chat.conversation_id, { text: 'Hello, Ada here' })
    await client.operatorReply(chat.conversation_id, {
      file: { name: 'report.pdf', contentType: 'application/pdf', data: 'PDFDATA' },
      comment: 'see this',
    })
    const text = await client.waitForDelivery(
      (d) => d.event === 'conversation.operator.replied' && d.envelope.entity.message.text === 'Hello, Ada here'
    )
    expect(text.envelope.entity).toMatchObject({
      visitor_conversation_id: chat.id,
      message: { sender: { type: 'operator', name: 'Ada Lovelace' }, msgid: expect.any(String) },
    })
    const file = await client.waitForDelivery((d) => d.envelope.entity?.message?.file)
    const f = file.envelope.entity.message.file
    expect(f).toMatchObject({ name: 'report.pdf', content_type: 'application/pdf', size: 7 })
    expect(file.envelope.entity.message.comment).toBe('see this')
    const res = await fetch(f.url, { headers: { authorization: `Zoho-oauthtoken ${token}` } })
    expect(await res.text()).toBe('PDFDATA')
    await client.complete(chat.conversation_id)
    const done = await client.waitForDelivery((d) => d.event === 'conversation.completed')
    expect(done.envelope.entity).toMatchObject({
      ended_by: 'agent',
      end_time: expect.any(String),
      chat_status: { state_key: 'end', status_code: 2, state: 4 },
    })
    await client.rate(chat.conversation_id, 4, 'Good support')
    expect((await client.waitForDelivery((d) => d.event === 'conversation.rated')).envelope.entity).toMatchObject({
      rating: 4,
      feedback: 'Good support',
      status: 'Ended',
    })
    expect(await client.conversation(chat.conversation_id)).toMatchObject({ rating: 4, feedback: 'Good support' })
  })

  it('delivers transfer events and re-assigns', async () => {
    await createWebhook(em, token, rx.url, [
      'conversation.transfer.initiated',
      'conversation.transfer.accepted',
      'conversation.attender.updated',
    ])
    const bob = await client.addOperator({ firstName: 'Bob', lastName: 'Second', status: 'busy' })
    const chat = await openChat(em, token)
    await client.waitForDelivery((d) => d.event === 'conversation.attender.updated')
    await client.transfer(chat.conversation_id, { operatorId: bob.id, note: 'billing', resolve: 'accept' })
    const again = await client.waitForDelivery(
      (d) => d.event === 'conversation.attender.updated' && d.envelope.entity.owner.id === bob.id
    )
    expect(again.envelope.entity.participants).toEqual([em.ids.availableOperatorId, bob.id])
    const events = (await client.deliveries()).map((d) => d.event)
    expect(events).toEqual(
      expect.arrayContaining(['conversation.transfer.initiated', 'conversation.transfer.accepted'])
    )
  })
})
