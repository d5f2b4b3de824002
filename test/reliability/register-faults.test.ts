import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zoho } from '../harness/helpers'
import { record } from './support/matrix'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * SalesIQ misbehaving while `register` validates the configuration and sets up the webhook: register either succeeds
 * with one webhook and one key, or fails with a message naming what failed — and saving again (what a bot builder
 * does) ends with exactly one webhook and one key, never two.
 */
let stack: Tracked
beforeAll(async () => {
  stack = await startTracked({ bot: false, register: false })
})
afterAll(() => closeAndScan(stack))

const register = () => stack.pool.call('register', { webhookUrl: stack.webhookUrl })
const webhooks = async () => (await zoho(stack, 'GET', '/state')).webhooks as Array<{ public_keys: unknown[] }>

const cases: Array<[string, string, Record<string, unknown>]> = [
  ['503 burst ×2', 'read calls (apps, departments)', { path: '/api/v2/*', method: 'GET', status: 503, count: 2 }],
  [
    'dropped connection ×2',
    'read calls (apps, departments)',
    { path: '/api/v2/*', method: 'GET', drop: true, count: 2 },
  ],
  ['500 ×1', 'create webhook', { path: '/api/v2/*/webhooks', method: 'POST', status: 500, count: 1 }],
  ['dropped connection ×1', 'create webhook', { path: '/api/v2/*/webhooks', method: 'POST', drop: true, count: 1 }],
  [
    '429 Retry-After 1 s ×1',
    'create webhook key',
    { path: '/api/v2/*/webhooks/*/keys', method: 'POST', status: 429, count: 1 },
  ],
  [
    'dropped connection ×1',
    'create webhook key',
    { path: '/api/v2/*/webhooks/*/keys', method: 'POST', drop: true, count: 1 },
  ],
]

describe('SalesIQ faults during register', () => {
  for (const [fault, where, rule] of cases) {
    it(`${fault} on ${where}: success or a clear error; saving again leaves one webhook with one key`, async () => {
      await zoho(stack, 'POST', '/reset', {}) // no webhook yet (the integration's stored setup is stale on purpose)
      await zoho(stack, 'POST', '/faults', rule)
      const first = await register()
      await zoho(stack, 'DELETE', '/faults')
      const again = await register()
      const hooks = await webhooks()
      record({
        fault,
        where: `register: ${where}`,
        sent: 1,
        delivered: first.status === 200 ? 1 : 0,
        duplicated: Math.max(0, hooks.length - 1),
        lost: 0,
        told: first.status === 200 ? 0 : 1,
        outcome:
          first.status === 200
            ? 'ok: registered'
            : `ok: error "${String((first.body as any)?.message).slice(0, 60)}…", saved again`,
      })
      if (first.status !== 200) expect(String((first.body as any)?.message)).toMatch(/SalesIQ|Zoho|webhook/)
      expect(again.status).toBe(200)
      expect(hooks).toHaveLength(1)
      expect(hooks[0]!.public_keys).toHaveLength(1)
    })
  }
})
