import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type Stack } from '../../sandbox/stack'
import { ZohoEmulatorClient } from '../../sandbox/zoho/client'
import { action, actionOk } from '../harness/helpers'

/**
 * getAvailability over the integration protocol, against every availability state the Zoho emulator can play:
 * nobody online (whatever the undocumented offline status code), per department, outside business hours (in each
 * business-hours shape), a full waiting queue, a department of no app, a disabled app, a throttled token.
 */
let stack: Stack
let zoho: ZohoEmulatorClient
let base: Record<string, unknown>
const cacheEnv = process.env.SALESIQ_AVAILABILITY_CACHE_MS

beforeAll(async () => {
  // Every call asks SalesIQ again here; the cache has its own stack below.
  process.env.SALESIQ_AVAILABILITY_CACHE_MS = '0'
  stack = await startStack({ bot: false, register: false, zohoSettings: { autoAssignDelayMs: 60_000 } })
  zoho = new ZohoEmulatorClient(stack.zoho.url)
  base = { ...stack.configuration }
})
afterAll(async () => {
  await stack?.close()
  if (cacheEnv === undefined) delete process.env.SALESIQ_AVAILABILITY_CACHE_MS
  else process.env.SALESIQ_AVAILABILITY_CACHE_MS = cacheEnv
})
beforeEach(async () => {
  stack.pool.configuration = { ...base }
  await zoho.reset()
  await zoho.setSettings({ autoAssignDelayMs: 60_000 })
})

type Availability = {
  canChat: boolean
  reason: string
  departmentId: string
  operatorsAvailable: number
  operatorsBusy: number
  withinBusinessHours: boolean
  businessHours: string
  waitingTimeSeconds?: number
  queue: { enabled: boolean; size?: number; waiting?: number; full: boolean }
  checkedAt: string
}
const availability = (input: Record<string, unknown> = {}) => actionOk<Availability>(stack, 'getAvailability', input)
const ids = () => stack.zoho.ids
const appId = () => ids().appId

async function openWaitingChat(userId: string) {
  const token = await zoho.accessToken()
  const res = await fetch(`${stack.zoho.url}/api/visitor/v1/${stack.zoho.credentials.screenName}/conversations`, {
    method: 'POST',
    headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      app_id: appId(),
      department_id: ids().supportDepartmentId,
      question: 'waiting',
      visitor: { user_id: userId },
    }),
  })
  expect(res.status).toBe(200)
}

describe('getAvailability', () => {
  it('with an operator online: can chat, with the counts, business hours, waiting time and queue', async () => {
    const a = await availability()
    expect(a).toEqual({
      canChat: true,
      reason: 'operators-available',
      departmentId: ids().supportDepartmentId,
      operatorsAvailable: 1,
      operatorsBusy: 1,
      withinBusinessHours: true,
      businessHours: 'none',
      waitingTimeSeconds: 60,
      queue: { enabled: false, size: 0, waiting: 0, full: false },
      checkedAt: expect.any(String),
    })
    expect(Date.now() - new Date(a.checkedAt).getTime()).toBeLessThan(60_000)
  })

  it('asks SalesIQ in one round: the app, the operators, the waiting chats', async () => {
    await availability() // after the reset, this one also replaces the integration's access token
    await zoho.clearRequests()
    await availability()
    const calls = (await zoho.requests()).filter((r) => r.path.includes('/api/v2/')).map((r) => r.method + ' ' + r.path)
    expect(calls.sort()).toEqual(
      [`GET /api/v2/acme/apps/${appId()}`, 'GET /api/v2/acme/conversations', 'GET /api/v2/acme/operators'].sort()
    )
  })

  it.each(['0', '2', '4', null])('nobody online (offline status_code %s): cannot chat', async (code) => {
    await zoho.setSettings({ offlineStatusCode: code })
    await zoho.setOperator(ids().availableOperatorId, { status: 'offline' })
    const a = await availability()
    expect(a).toMatchObject({ canChat: false, reason: 'no-operator-online', operatorsAvailable: 0, operatorsBusy: 1 })
  })

  it('only busy operators: nobody available', async () => {
    await zoho.setOperator(ids().availableOperatorId, { status: 'busy' })
    expect(await availability()).toMatchObject({ canChat: false, reason: 'no-operator-online', operatorsBusy: 2 })
  })

  it('counts the operators of the department asked for, not the portal', async () => {
    await zoho.setOperator(ids().availableOperatorId, { departmentIds: [ids().salesDepartmentId] })
    expect(await availability()).toMatchObject({ reason: 'no-operator-online', operatorsAvailable: 0 })
    expect(await availability({ departmentId: ids().salesDepartmentId })).toMatchObject({
      canChat: true,
      departmentId: ids().salesDepartmentId,
      operatorsAvailable: 1,
    })
  })

  it.each(['status', 'schedule'] as const)('outside business hours (%s shape): cannot chat', async (shape) => {
    await zoho.setSettings({ businessHoursShape: shape })
    await zoho.setApp(appId(), { businessHours: 'closed' })
    expect(await availability()).toMatchObject({
      canChat: false,
      reason: 'outside-business-hours',
      withinBusinessHours: false,
      businessHours: 'closed',
      operatorsAvailable: 1,
    })
    await zoho.setApp(appId(), { businessHours: 'open' })
    expect(await availability()).toMatchObject({ canChat: true, withinBusinessHours: true, businessHours: 'open' })
  })

  it('business hours shown only as true (inside or outside not said): unknown, counted as within', async () => {
    await zoho.setSettings({ businessHoursShape: 'boolean' })
    await zoho.setApp(appId(), { businessHours: 'closed' })
    expect(await availability()).toMatchObject({ canChat: true, businessHours: 'unknown', withinBusinessHours: true })
  })

  it('a full waiting queue: cannot chat; the queue shows its size and the chats waiting', async () => {
    await zoho.setApp(appId(), { waitingQueue: { enabled: true, size: 2 } })
    await openWaitingChat('w1')
    expect(await availability()).toMatchObject({
      canChat: true,
      queue: { enabled: true, size: 2, waiting: 1, full: false },
    })
    await openWaitingChat('w2')
    expect(await availability()).toMatchObject({
      canChat: false,
      reason: 'queue-full',
      queue: { enabled: true, size: 2, waiting: 2, full: true },
    })
  })

  it('a department of no app (or another app): cannot chat, says why', async () => {
    expect(await availability({ departmentId: ids().billingDepartmentId })).toMatchObject({
      canChat: false,
      reason: 'department-not-in-app',
      departmentId: ids().billingDepartmentId,
      operatorsAvailable: 0,
    })
  })

  it('a disabled app: cannot chat', async () => {
    await zoho.setApp(appId(), { enabled: false })
    expect(await availability()).toMatchObject({ canChat: false, reason: 'app-disabled' })
  })

  it('the configured wait time is the waiting time a chat gets', async () => {
    stack.pool.configuration = { ...base, waitTimeSeconds: 45 }
    expect((await availability()).waitingTimeSeconds).toBe(45)
    await zoho.setApp(appId(), { waitingTimeSec: 90 })
    stack.pool.configuration = { ...base }
    expect((await availability()).waitingTimeSeconds).toBe(90)
  })

  it('a throttled token: a clear error, nothing made up', async () => {
    await zoho.throttleTokens(600_000)
    await zoho.invalidateTokens()
    const r = await action(stack, 'getAvailability', {})
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toMatch(/throttling token requests/)
    await zoho.unthrottleTokens()
  })
})

describe('getAvailability cache (default: a few seconds per department)', () => {
  let cached: Stack
  let cachedZoho: ZohoEmulatorClient
  beforeAll(async () => {
    delete process.env.SALESIQ_AVAILABILITY_CACHE_MS
    cached = await startStack({ bot: false, register: false })
    cachedZoho = new ZohoEmulatorClient(cached.zoho.url)
  })
  afterAll(async () => cached?.close())

  it('reuses one round of SalesIQ calls per department; another department asks again', async () => {
    const operatorCalls = async () => (await cachedZoho.requests({ path: '/api/v2/acme/operators' })).length
    const first = await actionOk<Availability>(cached, 'getAvailability', {})
    const [second, third] = await Promise.all([
      actionOk<Availability>(cached, 'getAvailability', {}),
      actionOk<Availability>(cached, 'getAvailability', {}),
    ])
    expect(second).toEqual(first)
    expect(third).toEqual(first)
    expect(await operatorCalls()).toBe(1)
    await actionOk(cached, 'getAvailability', { departmentId: cached.zoho.ids.salesDepartmentId })
    expect(await operatorCalls()).toBe(2)
  })
})
