import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EmulatorEventMap } from '../types'
import { BOT_ID, sleep, start, type Harness } from './helpers'

let h: Harness
beforeAll(async () => {
  h = await start()
})
afterAll(() => h.emulator.close())
beforeEach(() => h.control.reset())

type Due = EmulatorEventMap['event.due'][0]

describe('events', () => {
  it('an unscheduled event is due at once', async () => {
    const { conversation } = await h.integration.getOrCreateConversation({ channel: 'hitl', tags: { chatId: 'e1' } })
    const due: Due[] = []
    h.emulator.events.on('event.due', (e) => due.push(e))
    const { event } = await h.integration.createEvent({
      type: 'hitlStopped',
      payload: { conversationId: conversation.id },
      conversationId: conversation.id,
    })
    expect(event.status).toBe('pending')
    expect(due.map((d) => [d.botId, d.event.id, d.caller.integrationId])).toEqual([[BOT_ID, event.id, 'intver_zoho']])
    h.emulator.events.removeAllListeners('event.due')
  })

  it('a scheduled event stays "scheduled" until its delay has passed, then becomes due', async () => {
    const { conversation } = await h.integration.getOrCreateConversation({ channel: 'hitl', tags: { chatId: 'e2' } })
    const { user } = await h.integration.getOrCreateUser({ tags: { zohoId: 'op' } })
    const created: string[] = []
    const due: Due[] = []
    h.emulator.events.on('event.created', (e) => created.push(e.event.status))
    h.emulator.events.on('event.due', (e) => due.push(e))
    const { event } = await h.integration.createEvent({
      type: 'hitlAssigned',
      payload: { conversationId: conversation.id, userId: user.id },
      conversationId: conversation.id,
      schedule: { delay: 150 },
    })
    expect(event.status).toBe('scheduled')
    expect(created).toEqual(['scheduled'])
    await sleep(50)
    expect(due).toHaveLength(0)
    expect((await h.bot.getEvent({ id: event.id })).event.status).toBe('scheduled')
    await sleep(200)
    expect(due.map((d) => d.event.id)).toEqual([event.id])
    expect((await h.bot.getEvent({ id: event.id })).event.status).toBe('pending')
    h.emulator.settleEvent(BOT_ID, event.id, 'processed')
    expect((await h.bot.listEvents({ status: 'processed' })).events.map((e) => e.id)).toEqual([event.id])
    h.emulator.events.removeAllListeners('event.due')
    h.emulator.events.removeAllListeners('event.created')
  })

  it('schedule.dateTime works, and a scheduled event can be canceled', async () => {
    const due: Due[] = []
    h.emulator.events.on('event.due', (e) => due.push(e))
    const { event: soon } = await h.integration.createEvent({
      type: 'x',
      payload: {},
      schedule: { dateTime: new Date(Date.now() + 80).toISOString() },
    })
    const { event: never } = await h.integration.createEvent({ type: 'y', payload: {}, schedule: { delay: 80 } })
    await h.bot.cancelScheduledEvent({ id: never.id })
    await sleep(200)
    expect(due.map((d) => d.event.id)).toEqual([soon.id])
    expect((await h.bot.getEvent({ id: never.id })).event.status).toBe('canceled')
    h.emulator.events.removeAllListeners('event.due')
  })
})
