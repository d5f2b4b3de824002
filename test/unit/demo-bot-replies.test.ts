import { describe, expect, it } from 'vitest'
import { botDefinition } from '../../sandbox/bot/definition'
import { DEMO_STATE } from '../../sandbox/bot/demo-state'
import {
  buttonOf,
  ESCALATE_VALUE,
  expectedWaitText,
  LEAVE_MESSAGE_VALUE,
  missedChatReply,
  NOT_NOW_VALUE,
  offerMessageReply,
  offlineMessageOf,
  roughDuration,
  unavailableText,
} from '../../sandbox/bot/replies'

const text = (t: string) => ({ type: 'text', payload: { text: t } })

describe('the demo brain’s small rules', () => {
  it('says a waiting time in round words', () => {
    expect(roughDuration(20)).toBe('1 minute') // never "0 minutes"
    expect(roughDuration(60)).toBe('1 minute')
    expect(roughDuration(150)).toBe('3 minutes')
    expect(roughDuration(600)).toBe('10 minutes')
    expect(roughDuration(5400)).toBe('2 hours')
  })

  it('tells the expected wait as an upper bound, or only that someone is online when SalesIQ gave none', () => {
    expect(expectedWaitText(600)).toBe('An operator is online. You may wait up to 10 minutes for an answer.')
    for (const none of [undefined, 0, -5, Number.NaN, '600'])
      expect(expectedWaitText(none)).toBe('An operator is online.')
  })

  it('says why nobody can chat, for each reason getAvailability gives', () => {
    expect(unavailableText('outside-business-hours')).toMatch(/outside our business hours/)
    expect(unavailableText('no-operator-online')).toMatch(/Nobody is online/)
    expect(unavailableText('queue-full')).toMatch(/queue is full/)
    for (const other of ['app-disabled', 'department-not-in-app', undefined, 'something new'])
      expect(unavailableText(other)).toBe('Live chat is not available right now.')
    const offer = offerMessageReply('queue-full')
    expect(offer.payload.text).toMatch(/queue is full\. Type your message below/)
    expect(offer.payload.options).toEqual([{ label: 'Not now', value: NOT_NOW_VALUE }])
  })

  it('takes a typed text as the offline message, never a button or another type', () => {
    expect(offlineMessageOf(text('  Call me back  '))).toBe('Call me back')
    for (const v of [ESCALATE_VALUE, LEAVE_MESSAGE_VALUE, NOT_NOW_VALUE]) {
      expect(offlineMessageOf(text(v))).toBeUndefined()
      expect(buttonOf(text(v))).toBe(v)
    }
    expect(offlineMessageOf(text('   '))).toBeUndefined()
    expect(offlineMessageOf({ type: 'image', payload: { imageUrl: 'http://x/y.png' } })).toBeUndefined()
    expect(buttonOf(text('talk to a human'))).toBeUndefined()
  })

  it('after a missed chat offers a button, not "type it"', () => {
    expect(missedChatReply().payload.options).toEqual([{ label: 'Leave a message', value: LEAVE_MESSAGE_VALUE }])
  })

  it('declares its own states in the bot definition', () => {
    for (const name of Object.values(DEMO_STATE)) expect(botDefinition.states?.[name]?.type).toBe('conversation')
  })
})
