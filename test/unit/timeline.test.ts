import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { Timeline } from '../../sandbox/http/timeline'

/** The page's timeline rows, through its HTTP surface: kept in time order, each told apart by its arrival number. */
describe('timeline', () => {
  it('places a late row by its time, keeps equal rows in arrival order, and keeps the newest N', async () => {
    const timeline = new Timeline(4)
    const app = Fastify()
    timeline.register(app)
    const row = (at: number, summary: string) => ({ at, source: 'zoho' as const, kind: 'api', summary })
    timeline.add(row(100, 'a'))
    timeline.add(row(300, 'c'))
    // A call reported when it returned, stamped with its start: it goes before 'c'.
    timeline.add({ ...row(200, 'b'), source: 'integration', conversationId: 'conv_1', chatId: '7', instance: 1 })
    timeline.add(row(300, 'c again'))
    const read = async () =>
      ((await app.inject({ url: '/api/timeline' })).json() as { items: { summary: string; seq: number }[] }).items
    expect((await read()).map((i) => i.summary)).toEqual(['a', 'b', 'c', 'c again'])
    expect((await read())[1]).toMatchObject({ conversationId: 'conv_1', chatId: '7', instance: 1, seq: 3 })
    timeline.add(row(50, 'too old to matter'))
    expect((await read()).map((i) => i.summary)).toEqual(['a', 'b', 'c', 'c again'])
    timeline.add(row(400, 'd'))
    expect((await read()).map((i) => i.summary)).toEqual(['b', 'c', 'c again', 'd'])
    await app.close()
  })
})
