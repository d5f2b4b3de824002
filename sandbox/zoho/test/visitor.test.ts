import type { Json } from '../client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { createWebhook, openChat, siq, startFast, startReceiver } from './helpers'

let em: ZohoEmulator
let client: ZohoEmulatorClient
let token: string

beforeAll(async () => ({ em, client } = await startFast()))
afterAll(() => em.close())
beforeEach(async () => {
  await client.reset()
  token = await client.accessToken()
})

const v1 = () => `/api/visitor/v1/${em.credentials.screenName}`
const v2 = () => `/visitor/v2/${em.credentials.screenName}`

describe('open conversation', () => {
  it('answers the real shape: numeric conversation_id, hex id, times as ms strings', async () => {
    const r = await siq(em, token, 'POST', `${v1()}/conversations`, {
      app_id: em.credentials.appId,
      department_id: em.credentials.departmentId,
      question: 'Help',
      visitor: { user_id: 'u-1', name: 'Vic', email: 'Vic@Example.com', platform: 'Botpress' },
      customer_info: { plan: 'pro' },
    })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ url: `${v1()}/conversations`, object: 'conversations' })
    const d = r.json.data
    expect(d.conversation_id).toMatch(/^\d{17}$/)
    // Real traffic (A8): 64 hex for the visitor conversation id, 96 for the chat id.
    expect(d.id).toMatch(/^[0-9a-f]{64}$/)
    expect(d.chat_id).toMatch(/^[0-9a-f]{96}$/)
    expect(d.wms_chat_id).toMatch(/^LD_\d+_\d+$/)
    expect(d.start_time).toMatch(/^\d{13}$/)
    expect(d).toMatchObject({
      question: 'Help',
      auto_assign: true,
      type: 'chat',
      department: { id: em.credentials.departmentId, name: 'Support' },
      visitor: { user_id: 'u-1', name: 'Vic', email: 'Vic@Example.com' },
      chat_status: { state_key: 'waiting', status_code: 0, state: 1, status_key: 'open' },
    })
  })

  it('also opens through v2 (no /api prefix)', async () => {
    const r = await siq(em, token, 'POST', `${v2()}/conversations`, {
      app_id: em.credentials.appId,
      department_id: em.credentials.departmentId,
      question: 'Help',
      visitor: { user_id: 'u-2' },
    })
    expect(r.json.data.conversation_id).toBeDefined()
  })

  it('validates app, department and visitor.user_id with SalesIQ codes (HTTP 200 by default)', async () => {
    const body = {
      app_id: em.credentials.appId,
      department_id: em.credentials.departmentId,
      question: 'q',
      visitor: { user_id: 'u' },
    }
    const open = (b: object) => siq(em, token, 'POST', `${v1()}/conversations`, b)
    expect((await open({ ...body, app_id: '123' })).json.error.code).toBe(1019)
    expect((await open({ ...body, department_id: em.ids.billingDepartmentId })).json.error.code).toBe(1025)
    const noUser = await open({ ...body, visitor: { name: 'x' } })
    expect(noUser).toMatchObject({ status: 200, json: { error: { code: 1011, json_key: 'visitor.user_id' } } })
    await client.setSettings({ errorStatus: 400 })
    expect((await open({ ...body, question: '' })).status).toBe(400)
  })

  it('needs SalesIQ.conversations.CREATE and accepts Bearer', async () => {
    const r = await siq(
      em,
      token,
      'POST',
      `${v1()}/conversations`,
      {
        app_id: em.credentials.appId,
        department_id: em.credentials.departmentId,
        question: 'q',
        visitor: { user_id: 'u' },
      },
      'Bearer'
    )
    expect(r.json.data).toBeDefined()
  })
})

describe('messages and closing', () => {
  it('takes a JSON text message (2xx, empty body) and echoes visitor.replied when subscribed', async () => {
    const rx = await startReceiver()
    await createWebhook(em, token, rx.url, ['conversation.visitor.replied'])
    const chat = await openChat(em, token)
    const r = await siq(em, token, 'POST', `${v1()}/conversations/${chat.conversation_id}/messages`, { text: 'hello' })
    expect(r).toMatchObject({ status: 200, json: undefined })
    const d = await client.waitForDelivery((d) => d.event === 'conversation.visitor.replied')
    expect(d.envelope.entity.message).toMatchObject({ text: 'hello', sender: { type: 'visitor' } })
    await rx.close()
  })

  it('takes a multipart file with a comment, refuses empty and too large files', async () => {
    const chat = await openChat(em, token)
    const send = (data: string, name = 'a.txt') => {
      const form = new FormData()
      form.append('file', new Blob([data], { type: 'text/plain' }), name)
      form.append('comment', 'my file')
      return fetch(`${em.url}${v1()}/conversations/${chat.conversation_id}/messages`, {
        method: 'POST',
        headers: { authorization: `Zoho-oauthtoken ${token}` },
        body: form,
      })
    }
    const ok = await send('hello file')
    expect(ok.status).toBe(200)
    const conv = await client.conversation(chat.conversation_id)
    expect(conv.messages[0].message).toMatchObject({
      comment: 'my file',
      file: { name: 'a.txt', size: 10, content_type: 'text/plain' },
    })
    expect(((await (await send('')).json()) as Json).error.code).toBe(1018)
    await client.setSettings({ maxUploadBytes: 5 })
    expect(((await (await send('too large')).json()) as Json).error.code).toBe(1027)
    const logged = await client.requests({ path: `/conversations/${chat.conversation_id}/messages` })
    expect(logged[0].body).toMatchObject({ file: { name: 'a.txt', size: 10 }, comment: 'my file' })
  })

  it('closes from the visitor side (v2, numeric or hex id) and refuses messages afterwards', async () => {
    const chat = await openChat(em, token)
    const r = await siq(em, token, 'POST', `${v2()}/conversations/${chat.id}/close`)
    expect(r.json.data).toMatchObject({ end_time: expect.any(String), chat_status: { status_code: 2, state: 4 } })
    const again = await siq(em, token, 'POST', `${v1()}/conversations/${chat.conversation_id}/messages`, { text: 'x' })
    expect(again.json.error.code).toBe(1016)
  })

  it('leaves a message (POST and PUT)', async () => {
    const body = {
      app_id: em.credentials.appId,
      department_id: em.credentials.departmentId,
      message: 'call me',
      visitor: { user_id: 'u' },
    }
    expect(
      (await siq(em, token, 'POST', `${v2()}/conversations/leavemessage`, body)).json.data.conversation_id
    ).toBeDefined()
    expect(
      (await siq(em, token, 'PUT', `${v2()}/conversations/leavemessage`, body)).json.data.conversation_id
    ).toBeDefined()
  })
})

describe('REST v2', () => {
  it('lists apps, departments, operators and conversations; closes and transfers', async () => {
    const R = `/api/v2/${em.credentials.screenName}`
    expect((await siq(em, token, 'GET', `${R}/apps`)).json.data[0]).toMatchObject({
      id: em.credentials.appId,
      chat_assignment: 'auto_assign',
      waiting_time: 60,
    })
    expect((await siq(em, token, 'GET', `${R}/departments`)).json.data).toHaveLength(3)
    expect((await siq(em, token, 'GET', `${R}/operators`)).json.data[0]).toMatchObject({ status_code: '1' })
    const chat = await openChat(em, token)
    expect((await siq(em, token, 'GET', `${R}/conversations?status=waiting`)).json.data).toHaveLength(1)
    await client.waitFor(
      async () => (await client.conversation(chat.conversation_id)).state === 'connected',
      'assignment'
    )
    const t = await siq(em, token, 'PUT', `${R}/conversations/${chat.conversation_id}/transfer`, {
      department_id: em.ids.salesDepartmentId,
      operator_id: em.ids.busyOperatorId,
    })
    expect(t.json.data.id).toBe(chat.conversation_id)
    const closed = await siq(em, token, 'POST', `${R}/conversations/${chat.conversation_id}/close`)
    expect(closed.json.data).toMatchObject({ status: 'Attended Online', ended_by: 'agent', chat_status: { state: 4 } })
    expect((await siq(em, token, 'GET', `${R}/nothing-here`)).json.error.code).toBe(1006)
  })
})
