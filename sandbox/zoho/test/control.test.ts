import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { openChat, startFast } from './helpers'

let em: ZohoEmulator
let client: ZohoEmulatorClient

beforeAll(async () => ({ em, client } = await startFast()))
afterAll(() => em.close())
beforeEach(() => client.reset())

describe('control API', () => {
  it('validates settings and restores them on reset', async () => {
    await expect(client.setSettings({ tokenLifetimeSec: -1 })).rejects.toThrow(/400 tokenLifetimeSec/)
    await client.setSettings({ tokenLifetimeSec: 5 })
    expect((await client.settings()).tokenLifetimeSec).toBe(5)
    await client.reset()
    expect((await client.settings()).tokenLifetimeSec).toBe(3600)
  })

  it('dumps state and answers 404 with a hint for unknown control routes', async () => {
    const s = await client.state()
    expect(s.operators.map((o: { status: string }) => o.status)).toEqual(['available', 'busy', 'offline'])
    const res = await fetch(`${em.url}/_emulator/nope`)
    expect(res.status).toBe(404)
  })

  it('accepts a waiting chat by hand when the app assigns manually, and emits events', async () => {
    await client.setApp(em.credentials.appId, { chatAssignment: 'manual' })
    const seen: string[] = []
    em.events.on('conversation', (c) => seen.push(c.type))
    const chat = await openChat(em, await client.accessToken())
    await new Promise((r) => setTimeout(r, 60))
    expect((await client.conversation(chat.conversation_id)).state).toBe('waiting')
    await client.accept(chat.conversation_id, em.ids.busyOperatorId)
    expect((await client.conversation(chat.conversation_id)).attender.id).toBe(em.ids.busyOperatorId)
    expect(seen).toEqual(['opened', 'assigned'])
    await expect(client.miss(chat.conversation_id)).rejects.toThrow(/409/)
  })

  it('streams events over SSE', async () => {
    const ac = new AbortController()
    const res = await fetch(`${em.url}/_emulator/events`, { signal: ac.signal })
    const reader = res.body!.getReader()
    await reader.read() // the comment line
    await fetch(`${em.url}/oauth/v2/token`, { method: 'POST' })
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toMatch(/^event: request\ndata: \{.*"path":"\/oauth\/v2\/token"/)
    ac.abort()
  })

  it('serves a chat file to the console without a token, while the API URL needs one', async () => {
    const chat = await openChat(em, await client.accessToken())
    await new Promise((r) => setTimeout(r, 150)) // auto-assigned to Ada
    const bytes = Buffer.from('%PDF-1.4 console')
    await client.operatorReply(chat.conversation_id, {
      file: { name: 'guide.pdf', contentType: 'application/pdf', data: bytes },
    })
    const message = (await client.conversation(chat.conversation_id)).messages.find(
      (m: { message: { file?: unknown } }) => m.message.file
    )
    const url = new URL(message.message.file.url)
    expect((await fetch(url)).status).not.toBe(200) // the API needs the OAuth header
    const res = await fetch(`${em.url}/_emulator/files/${url.pathname.split('/').pop()}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes)
    expect((await fetch(`${em.url}/_emulator/files/nope`)).status).toBe(404)
  })
})
