import * as client from '@botpress/client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ERROR_STATUS, errorBody } from '../errors'
import { INTEGRATION_ID, sleep, start, type Harness } from './helpers'

/** Where Botpress Cloud refuses or waits: file processing, size limits, getOrCreate's answer, the error types. */
let h: Harness
beforeAll(async () => {
  h = await start()
})
afterAll(() => h.emulator.close())
beforeEach(() => h.control.reset())

const settings = async (patch?: Record<string, unknown>) => {
  const res = await fetch(`${h.emulator.url}/_emulator/settings`, {
    method: patch ? 'PUT' : 'GET',
    headers: patch ? { 'content-type': 'application/json' } : {},
    body: patch ? JSON.stringify(patch) : undefined,
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('settings', () => {
  it('are read, validated, changed, and restored by reset', async () => {
    expect((await settings()).body).toEqual({ publicFileProcessingMs: 1000, stateMaxBytes: 131072 })
    expect((await settings({ stateMaxBytes: -1 })).status).toBe(400)
    expect((await settings({ nope: 1 })).status).toBe(400)
    expect((await settings({ publicFileProcessingMs: 5 })).body.publicFileProcessingMs).toBe(5)
    await h.control.reset()
    expect((await settings()).body.publicFileProcessingMs).toBe(1000)
  })
})

describe('public files (publicFileProcessingMs)', () => {
  it('without publicContentImmediatelyAccessible: 404 at the public URL until processed, then served', async () => {
    await settings({ publicFileProcessingMs: 300 })
    const { file } = await h.integration.uploadFile({
      key: 'late.txt',
      content: 'later',
      accessPolicies: ['public_content'],
    })
    expect((await fetch(file.url)).status).toBe(404)
    await sleep(350)
    const res = await fetch(file.url)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('later')
  })

  it('with publicContentImmediatelyAccessible: served at once (the client sends x-amz-tagging)', async () => {
    await settings({ publicFileProcessingMs: 60_000 })
    const { file } = await h.integration.uploadFile({
      key: 'now.txt',
      content: 'now',
      accessPolicies: ['public_content'],
      publicContentImmediatelyAccessible: true,
    })
    expect(await (await fetch(file.url)).text()).toBe('now')
  })

  it('with the flag, an upload without "x-amz-tagging: public=true" is refused, like S3', async () => {
    const { file } = await h.integration.upsertFile({
      key: 'tag.txt',
      size: 3,
      accessPolicies: ['public_content'],
      publicContentImmediatelyAccessible: true,
    })
    expect((await fetch(file.uploadUrl, { method: 'PUT', body: 'abc' })).status).toBe(403)
    const ok = await fetch(file.uploadUrl, { method: 'PUT', body: 'abc', headers: { 'x-amz-tagging': 'public=true' } })
    expect(ok.status).toBe(200)
  })
})

describe('limits', () => {
  const big = (bytes: number) => ({ blob: 'x'.repeat(bytes) })

  it('a state payload over 128 KB is LimitExceeded (413), for set, getOrSet and patch; at the limit it is stored', async () => {
    const ref = { type: 'integration', id: INTEGRATION_ID, name: 'big' } as const
    const over = big(128 * 1024)
    for (const call of [
      () => h.integration.setState({ ...ref, payload: over }),
      () => h.integration.getOrSetState({ ...ref, payload: over }),
    ])
      await expect(call()).rejects.toMatchObject({ type: 'LimitExceeded', code: 413 })
    const fits = big(128 * 1024 - '{"blob":""}'.length)
    await h.integration.setState({ ...ref, payload: fits })
    await expect(h.integration.patchState({ ...ref, payload: { more: 'x' } })).rejects.toMatchObject({
      type: 'LimitExceeded',
      code: 413,
    })
    expect((await h.integration.getState(ref)).state.payload).toEqual(fits)
  })

  it('a request body over the API limit is PayloadTooLarge (413)', async () => {
    const { conversation } = await h.integration.createConversation({ channel: 'hitl', tags: {} })
    const err = await h.integration
      .createMessage({
        conversationId: conversation.id,
        userId: 'x',
        type: 'text',
        payload: { text: 'x'.repeat(11 * 1024 * 1024) },
        tags: {},
      })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: 'PayloadTooLarge', code: 413 })
  })
})

describe('getOrCreateConversation', () => {
  it('says whether it created, and writes the given tags onto the conversation it found', async () => {
    const first = await h.integration.getOrCreateConversation({
      channel: 'hitl',
      tags: { chatId: '1', operatorId: 'a' },
      discriminateByTags: ['chatId'],
    })
    expect((first as unknown as { meta: { created: boolean } }).meta).toEqual({ created: true })
    const again = await h.integration.getOrCreateConversation({
      channel: 'hitl',
      tags: { chatId: '1', operatorId: 'b', extra: 'y' },
      discriminateByTags: ['chatId'],
    })
    expect((again as unknown as { meta: { created: boolean } }).meta).toEqual({ created: false })
    expect(again.conversation.id).toBe(first.conversation.id)
    expect(again.conversation.tags).toEqual({ chatId: '1', operatorId: 'b', extra: 'y' })
    expect((await h.integration.getConversation({ id: first.conversation.id })).conversation.tags.operatorId).toBe('b')
  })
})

describe('error types', () => {
  // Every error class @botpress/client 1.35.0 exports, with the type and status it carries.
  const known = Object.entries(client)
    .filter(([name, v]) => /^[A-Z]\w*Error$/.test(name) && typeof v === 'function' && name !== 'UploadFileError')
    .map(([, v]) => new (v as new (m: string) => { type: string; code: number })('m'))

  it('the emulator knows every type of the client, with the same status', () => {
    expect(known.length).toBeGreaterThan(20)
    for (const e of known) expect([e.type, ERROR_STATUS[e.type as keyof typeof ERROR_STATUS]]).toEqual([e.type, e.code])
    expect(Object.keys(ERROR_STATUS).sort()).toEqual(known.map((e) => e.type).sort())
  })

  it('an error body of each type comes back to the client as that type and status', async () => {
    for (const [type, status] of Object.entries(ERROR_STATUS)) {
      await h.control.addFault({
        path: '/v1/chat/users/*',
        method: 'GET',
        status,
        body: errorBody(type, 'x', status),
        count: 1,
      })
      const err = await h.integration.getUser({ id: 'user_1' }).catch((e: unknown) => e)
      expect(err).toMatchObject({ type, code: status })
    }
  })
})
