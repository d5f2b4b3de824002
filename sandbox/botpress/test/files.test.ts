import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { start, type Harness } from './helpers'

let h: Harness
beforeAll(async () => {
  h = await start()
})
afterAll(() => h.emulator.close())
beforeEach(() => h.control.reset())

describe('files', () => {
  it('client.uploadFile upserts, PUTs the bytes to uploadUrl, and the public url serves them', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255])
    const { file } = await h.integration.uploadFile({
      key: 'zoho/chat-1/pic.png',
      content: bytes,
      accessPolicies: ['public_content'],
      publicContentImmediatelyAccessible: true,
      tags: { chat: '1' },
    })
    expect(file).toMatchObject({ key: 'zoho/chat-1/pic.png', size: bytes.length, contentType: 'image/png' })
    const res = await fetch(file.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes)
    const { file: stored } = await h.integration.getFile({ id: file.id })
    expect(stored.status).toBe('upload_completed')
    expect((await h.integration.listFiles({ tags: { chat: '1' } })).files.map((f) => f.id)).toEqual([file.id])
  })

  it('upserting the same key keeps the id and replaces the content', async () => {
    const first = await h.integration.uploadFile({
      key: 'notes.txt',
      content: 'one',
      accessPolicies: ['public_content'],
      publicContentImmediatelyAccessible: true,
    })
    const second = await h.integration.uploadFile({
      key: 'notes.txt',
      content: 'two!',
      accessPolicies: ['public_content'],
      publicContentImmediatelyAccessible: true,
    })
    expect(second.file.id).toBe(first.file.id)
    expect(await (await fetch(second.file.url)).text()).toBe('two!')
  })

  it('a file without public_content is served only through the url the API returns', async () => {
    const { file } = await h.integration.uploadFile({ key: 'private.txt', content: 'secret' })
    expect(await (await fetch(file.url)).text()).toBe('secret')
    const bare = file.url.split('?')[0]
    expect((await fetch(bare)).status).toBe(403)
  })

  it('a missing file is ResourceNotFound', async () => {
    await expect(h.integration.getFile({ id: 'file_missing' })).rejects.toMatchObject({
      type: 'ResourceNotFound',
      code: 404,
    })
  })
})
