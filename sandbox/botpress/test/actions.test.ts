import { isApiError, RuntimeError } from '@botpress/client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ActionRouter } from '../actions'
import { ApiError } from '../errors'
import { BOT_ID, start, type Harness } from './helpers'

let h: Harness
beforeAll(async () => {
  h = await start()
})
afterAll(() => h.emulator.close())
afterEach(() => h.emulator.routeActions(undefined))

describe('POST /v1/chat/actions (callAction)', () => {
  it('without a runtime, an action is a ResourceNotFound that says why', async () => {
    const err = await h.bot.callAction({ type: 'zoho-salesiq-hitl:createUser', input: {} }).catch((e: unknown) => e)
    expect(isApiError(err) && err.type).toBe('ResourceNotFound')
    expect((err as Error).message).toContain('nothing answers actions')
  })

  it("hands the call to the runtime's router and answers its output", async () => {
    const calls: Parameters<ActionRouter>[0][] = []
    h.emulator.routeActions(async (call) => {
      calls.push(call)
      return { userId: 'user_1' }
    })
    const { output } = await h.bot.callAction({ type: 'zoho-salesiq-hitl:createUser', input: { name: 'Ann' } })
    expect(output).toEqual({ userId: 'user_1' })
    await h.integration.callAction({
      type: 'webchat:getOrCreateUser',
      input: { user: { id: 'u', conversationId: 'c' } },
    })
    expect(calls.map((c) => [c.botId, c.caller.integrationId, c.type, c.input])).toEqual([
      [BOT_ID, undefined, 'zoho-salesiq-hitl:createUser', { name: 'Ann' }],
      [BOT_ID, 'intver_zoho', 'webchat:getOrCreateUser', { user: { id: 'u', conversationId: 'c' } }],
    ])
  })

  it("a Runtime error of the router reaches the caller as the client's RuntimeError, with its message", async () => {
    h.emulator.routeActions(async () => {
      throw new ApiError('Runtime', 'SalesIQ rejected department 42: check departmentId')
    })
    const err = await h.bot.callAction({ type: 'zoho-salesiq-hitl:startHitl', input: {} }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RuntimeError)
    expect((err as RuntimeError).message).toBe('SalesIQ rejected department 42: check departmentId')
    expect((err as RuntimeError).code).toBe(400)
  })

  it('a call without a type or input is an InvalidPayload naming the field', async () => {
    h.emulator.routeActions(async () => ({}))
    const err = await h.bot.callAction({ type: '', input: {} }).catch((e: unknown) => e)
    expect(isApiError(err) && err.type).toBe('InvalidPayload')
    expect((err as Error).message).toContain('"type"')
  })
})
