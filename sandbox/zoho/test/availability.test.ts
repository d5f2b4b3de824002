import type { Json } from '../client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { openChat, siq, startFast } from './helpers'

/** Operator availability per department, business hours, the waiting queue and offline messages (issue #17). */
let em: ZohoEmulator
let client: ZohoEmulatorClient
let token: string

beforeAll(async () => ({ em, client } = await startFast()))
afterAll(() => em.close())
beforeEach(async () => {
  await client.reset()
  token = await client.accessToken()
})

const R = () => `/api/v2/${em.credentials.screenName}`
const v2 = () => `/visitor/v2/${em.credentials.screenName}`
const app = async () => (await siq(em, token, 'GET', `${R()}/apps/${em.credentials.appId}`)).json.data
const operators = async () => (await siq(em, token, 'GET', `${R()}/operators`)).json.data as Json[]
const leaveBody = (extra: Record<string, unknown> = {}) => ({
  app_id: em.credentials.appId,
  department_id: em.credentials.departmentId,
  message: 'Please call me back',
  visitor: { user_id: 'bp-u-9', name: 'Lee', email: 'lee@example.com', phone: '+1555' },
  ...extra,
})

describe('business hours', () => {
  it('off by default; open and closed in each shape the settings choose', async () => {
    expect((await app()).business_hours).toEqual({ enabled: false })
    await client.setApp(em.credentials.appId, { businessHours: 'closed' })
    expect((await app()).business_hours).toEqual({ enabled: true, status: 'closed' })
    await client.setApp(em.credentials.appId, { businessHours: 'open' })
    expect((await app()).business_hours).toEqual({ enabled: true, status: 'open' })

    await client.setSettings({ businessHoursShape: 'boolean' })
    expect((await app()).business_hours).toBe(true)
    await client.setApp(em.credentials.appId, { businessHours: 'off' })
    expect((await app()).business_hours).toBe(false)

    await client.setSettings({ businessHoursShape: 'schedule' })
    await client.setApp(em.credentials.appId, { businessHours: 'open' })
    const open = (await app()).business_hours
    expect(open).toMatchObject({ enabled: true, timezone: 'UTC' })
    expect(open.timings).toHaveLength(7)
    expect(open.timings[0]).toEqual({ day: 'sunday', from: '00:00', to: '24:00' })
    await client.setApp(em.credentials.appId, { businessHours: 'closed' })
    const closed = (await app()).business_hours
    const nowMinutes = new Date().getUTCHours() * 60 + new Date().getUTCMinutes()
    const [h, m] = (closed.timings[0].from as string).split(':').map(Number)
    const from = h! * 60 + m!
    expect(nowMinutes >= from && nowMinutes < from + 60).toBe(false)
  })

  it('the control API lists each app with the settings it takes (what the operator console reads)', async () => {
    await client.setApp(em.credentials.appId, { businessHours: 'closed', offlineMessages: false })
    expect(await client.apps()).toEqual([
      expect.objectContaining({
        id: em.credentials.appId,
        chatAssignment: 'auto_assign',
        businessHours: 'closed',
        offlineMessages: false,
        waitingQueue: { enabled: false, size: expect.any(Number) },
      }),
    ])
  })

  it('refuses an unknown state', async () => {
    await expect(client.setApp(em.credentials.appId, { businessHours: 'maybe' as 'open' })).rejects.toThrow(/400/)
  })
})

describe('waiting queue', () => {
  it('shows chat_waiting_queue as set, and the waiting chats per department', async () => {
    expect((await app()).chat_waiting_queue).toEqual({ enabled: false, size: 0 })
    await client.setApp(em.credentials.appId, { waitingQueue: { enabled: true, size: 2 } })
    expect((await app()).chat_waiting_queue).toEqual({ enabled: true, size: 2 })
    await client.setSettings({ autoAssignDelayMs: 60_000 })
    await openChat(em, token, 'a')
    await openChat(em, token, 'b')
    const waiting = await siq(
      em,
      token,
      'GET',
      `${R()}/conversations?status=waiting&department_id=${em.credentials.departmentId}`
    )
    expect(waiting.json.data).toHaveLength(2)
  })
})

describe('operators', () => {
  it('carry their departments and a status_code; the offline code is a setting (or absent)', async () => {
    const list = await operators()
    const byId = (id: string) => list.find((o) => o.id === id)
    expect(byId(em.ids.availableOperatorId)).toMatchObject({ status_code: '1', status_message: 'Available' })
    expect(byId(em.ids.busyOperatorId)).toMatchObject({ status_code: '3', status_message: 'Busy' })
    expect(byId(em.ids.offlineOperatorId)).toMatchObject({ status_code: '0', status_message: 'Offline' })
    expect(byId(em.ids.availableOperatorId)!.departments).toEqual([
      em.ids.supportDepartmentId,
      em.ids.salesDepartmentId,
    ])
    await client.setSettings({ offlineStatusCode: '4' })
    expect((await operators()).find((o) => o.id === em.ids.offlineOperatorId)!.status_code).toBe('4')
    await client.setSettings({ offlineStatusCode: null })
    expect((await operators()).find((o) => o.id === em.ids.offlineOperatorId)).not.toHaveProperty('status_code')
  })

  it('routes a chat only to an available member of its department', async () => {
    await client.setOperator(em.ids.availableOperatorId, { departmentIds: [em.ids.salesDepartmentId] })
    const chat = await openChat(em, token, 'dept')
    await new Promise((r) => setTimeout(r, 100))
    expect((await client.conversation(chat.conversation_id)).state).toBe('waiting')
    await client.setOperator(em.ids.availableOperatorId, {
      departmentIds: [em.ids.supportDepartmentId, em.ids.salesDepartmentId],
    })
    await client.waitFor(async () => (await client.conversation(chat.conversation_id)).state === 'connected')
  })

  it('refuses unknown departments', async () => {
    await expect(client.setOperator(em.ids.availableOperatorId, { departmentIds: ['nope'] })).rejects.toThrow(/400/)
  })
})

describe('leave a message', () => {
  it('stores it for the console: message, visitor, department, method', async () => {
    const r = await siq(em, token, 'PUT', `${v2()}/conversations/leavemessage`, leaveBody())
    const id = r.json.data.conversation_id
    expect(id).toMatch(/^\d+$/)
    const [stored] = await client.offlineMessages()
    expect(stored).toMatchObject({
      id,
      appId: em.credentials.appId,
      departmentId: em.credentials.departmentId,
      departmentName: 'Support',
      message: 'Please call me back',
      visitor: { userId: 'bp-u-9', name: 'Lee', email: 'lee@example.com', phone: '+1555' },
      method: 'PUT',
    })
    // Never offered to operators.
    expect((await client.conversation(id)).state).toBe('missed')
  })

  it('accepts only the methods the settings allow (1004 otherwise)', async () => {
    await client.setSettings({ leaveMessageMethods: 'put' })
    const post = await siq(em, token, 'POST', `${v2()}/conversations/leavemessage`, leaveBody())
    expect(post.json.error.code).toBe(1004)
    await client.setSettings({ leaveMessageMethods: 'post' })
    const put = await siq(em, token, 'PUT', `${v2()}/conversations/leavemessage`, leaveBody())
    expect(put.json.error.code).toBe(1004)
    expect(await client.offlineMessages()).toHaveLength(0)
  })

  it('refuses with 1016 when the app does not accept offline messages, and 1025 for a department of no app', async () => {
    await client.setApp(em.credentials.appId, { offlineMessages: false })
    const refused = await siq(em, token, 'POST', `${v2()}/conversations/leavemessage`, leaveBody())
    expect(refused.json.error.code).toBe(1016)
    await client.setApp(em.credentials.appId, { offlineMessages: true })
    const foreign = await siq(
      em,
      token,
      'POST',
      `${v2()}/conversations/leavemessage`,
      leaveBody({ department_id: em.ids.billingDepartmentId })
    )
    expect(foreign.json.error.code).toBe(1025)
    expect(await client.offlineMessages()).toHaveLength(0)
  })
})
