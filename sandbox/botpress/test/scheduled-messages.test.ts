import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sleep, start, type Harness } from './helpers'

let h: Harness
beforeAll(async () => {
  h = await start()
})
afterAll(() => h.emulator.close())
beforeEach(() => h.control.reset())

describe('scheduled messages (the cautious reading of Cloud)', () => {
  it('do not exist until due: no lookup finds them, so getOrCreate cannot deduplicate them', async () => {
    const { conversation } = await h.integration.getOrCreateConversation({ channel: 'hitl', tags: { chatId: 's1' } })
    const { user } = await h.integration.getOrCreateUser({ tags: { zohoId: 'op' } })
    const created: string[] = []
    h.emulator.events.on('message.created', (e) => created.push(e.message.id))
    const send = () =>
      h.integration.getOrCreateMessage({
        type: 'text',
        payload: { text: 'held back' },
        userId: user.id,
        conversationId: conversation.id,
        tags: { zohoMessageId: 'm1' },
        discriminateByTags: ['zohoMessageId'],
        schedule: { delay: 150 },
      } as Parameters<typeof h.integration.getOrCreateMessage>[0])
    const first = await send()
    const second = await send()
    expect(second.message.id).not.toBe(first.message.id)
    expect((await h.bot.listMessages({ conversationId: conversation.id })).messages).toHaveLength(0)
    await expect(h.bot.getMessage({ id: first.message.id })).rejects.toThrow()
    await sleep(250)
    const stored = (await h.bot.listMessages({ conversationId: conversation.id })).messages
    expect(stored.map((m) => m.id).sort()).toEqual([first.message.id, second.message.id].sort())
    expect(created.sort()).toEqual(stored.map((m) => m.id).sort())
    h.emulator.events.removeAllListeners('message.created')
  })
})
