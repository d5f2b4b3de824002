import { describe, expect, it } from 'vitest'
import { optInText, waitedSecondsOf } from '../../src/webhook/on-end'

describe('end of a session', () => {
  it('opt-in texts: empty and the texts earlier versions sent by default count as not set', () => {
    expect(optInText(undefined)).toBeUndefined()
    expect(optInText('   ')).toBeUndefined()
    expect(optInText('The agent has ended the conversation.')).toBeUndefined()
    expect(
      optInText(
        'Sorry, no agent is available right now. Please leave your question and we will get back to you, or try again later.'
      )
    ).toBeUndefined()
    expect(optInText(' Thanks for chatting! ')).toBe('Thanks for chatting!')
  })

  it("how long the visitor waited: SalesIQ's start and missed times, else the delivery time and the chat's opening", () => {
    const entity = { missed_time: '1700000065000', start_time: '1700000005000' }
    expect(waitedSecondsOf({ eventTime: 0, entity }, { tags: {} })).toBe(60)
    expect(waitedSecondsOf({ eventTime: 1700000030400, entity: {} }, { tags: { openedAt: '1700000000000' } })).toBe(30)
    expect(waitedSecondsOf({ eventTime: 0, entity: {} }, { tags: {} })).toBeUndefined()
    expect(waitedSecondsOf({ eventTime: 5, entity: {} }, { tags: { openedAt: '10' } })).toBeUndefined()
  })
})
