import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EmulatorEventMap } from '../types'
import { INTEGRATION_ID, sleep, start, type Harness } from './helpers'

let h: Harness
beforeAll(async () => {
  h = await start()
})
afterAll(() => h.emulator.close())
beforeEach(() => h.control.reset())

describe('states', () => {
  it('setState / getState round trip; payload null deletes; a missing state is ResourceNotFound', async () => {
    const { state } = await h.integration.setState({
      type: 'integration',
      id: INTEGRATION_ID,
      name: 'token',
      payload: { value: 't1' },
    })
    expect(state).toMatchObject({ type: 'integration', name: 'token', payload: { value: 't1' } })
    expect(
      (await h.integration.getState({ type: 'integration', id: INTEGRATION_ID, name: 'token' })).state.payload
    ).toEqual({ value: 't1' })
    await h.integration.setState({ type: 'integration', id: INTEGRATION_ID, name: 'token', payload: null })
    const err = await h.integration
      .getState({ type: 'integration', id: INTEGRATION_ID, name: 'token' })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: 'ResourceNotFound', code: 404 })
  })

  it('a state expires `expiry` ms after it was written', async () => {
    await h.integration.setState({
      type: 'integration',
      id: INTEGRATION_ID,
      name: 'lease',
      payload: { owner: 'a' },
      expiry: 150,
    })
    expect(
      (await h.integration.getState({ type: 'integration', id: INTEGRATION_ID, name: 'lease' })).state.payload
    ).toEqual({ owner: 'a' })
    await sleep(200)
    const err = await h.integration
      .getState({ type: 'integration', id: INTEGRATION_ID, name: 'lease' })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: 'ResourceNotFound' })
  })

  it('getOrSetState: of 20 concurrent callers exactly one payload wins; after expiry a new one can be set', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.integration.getOrSetState({
          type: 'integration',
          id: INTEGRATION_ID,
          name: 'refreshLease',
          payload: { owner: `i${i}` },
          expiry: 150,
        })
      )
    )
    const owners = new Set(results.map((r) => r.state.payload.owner))
    expect(owners.size).toBe(1)
    await sleep(200)
    const { state } = await h.integration.getOrSetState({
      type: 'integration',
      id: INTEGRATION_ID,
      name: 'refreshLease',
      payload: { owner: 'late' },
    })
    expect(state.payload).toEqual({ owner: 'late' })
  })

  it('patchState merges shallowly and announces state.changed; patching a missing state is a 404', async () => {
    const { conversation } = await h.integration.getOrCreateConversation({ channel: 'hitl', tags: { chatId: 's1' } })
    const changes: EmulatorEventMap['state.changed'][0][] = []
    h.emulator.events.on('state.changed', (e) => changes.push(e))
    await h.integration.setState({
      type: 'conversation',
      id: conversation.id,
      name: 'chat',
      payload: { a: 1, nested: { x: 1 } },
    })
    const { state } = await h.integration.patchState({
      type: 'conversation',
      id: conversation.id,
      name: 'chat',
      payload: { b: 2, nested: { y: 2 } },
    })
    expect(state.payload).toEqual({ a: 1, b: 2, nested: { y: 2 } })
    expect(state.conversationId).toBe(conversation.id)
    expect(changes.map((c) => [c.deleted, c.state.payload])).toEqual([
      [false, { a: 1, nested: { x: 1 } }],
      [false, { a: 1, b: 2, nested: { y: 2 } }],
    ])
    h.emulator.events.removeAllListeners('state.changed')
    const err = await h.integration
      .patchState({ type: 'conversation', id: conversation.id, name: 'other', payload: { a: 1 } })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: 'ResourceNotFound', code: 404 })
  })

  it('a conversation state needs the conversation; an unknown state type is InvalidPayload', async () => {
    const missing = await h.integration
      .setState({ type: 'conversation', id: 'conv_missing', name: 'chat', payload: {} })
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({ type: 'ResourceNotFound' })
    const res = await fetch(`${h.emulator.url}/v1/chat/states/galaxy/x/y`, { headers: { 'x-bot-id': 'b' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ type: 'InvalidPayload', code: 400, id: expect.stringMatching(/^err_/) })
  })
})
