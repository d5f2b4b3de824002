import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zoho } from '../harness/helpers'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * Every wrong configuration field gives its own message at register. test/integration/register.test.ts covers
 * screenName, appId, departmentId (unknown, other app), clientSecret and refreshToken; these are the others, and
 * two wrong fields at once (the first one checked is named, and fixing it names the next).
 */
let stack: Tracked
let base: Record<string, unknown>
beforeAll(async () => {
  stack = await startTracked({ bot: false, register: false })
  base = { ...stack.configuration }
})
afterAll(() => closeAndScan(stack))

const register = async (patch: Record<string, unknown>) => {
  stack.pool.configuration = { ...base, ...patch }
  const answer = await stack.pool.call('register', { webhookUrl: stack.webhookUrl })
  return { status: answer.status, message: String((answer.body as { message?: string })?.message ?? '') }
}

describe('configuration: each wrong field named', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a wrong client id', { clientId: '1000.NOPE' }, /"clientId"/],
    ['a refresh token of another format', { refreshToken: 'garbage' }, /refresh token/i],
    ['an empty app id', { appId: '' }, /appId/],
    ['an empty department id', { departmentId: '' }, /departmentId/],
    ['a screen name with a slash', { screenName: 'acme/../x' }, /screenName/],
  ]
  for (const [what, patch, expected] of cases) {
    it(what, async () => {
      const r = await register(patch)
      expect(r.status).toBe(400)
      expect(r.message).toMatch(expected)
      expect((await zoho(stack, 'GET', '/state')).webhooks).toHaveLength(0)
    })
  }

  it('two wrong fields: the first is named; once fixed, the second is', async () => {
    const first = await register({ appId: '1', departmentId: '2' })
    expect(first.message).toMatch(/"appId"/)
    const second = await register({ departmentId: '2' })
    expect(second.message).toMatch(/"departmentId"/)
    expect((await register({})).status).toBe(200)
  })
})
