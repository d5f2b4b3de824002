import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { messageDigest } from '../../src/webhook/message-digest'
import { isChatOver } from '../../src/zoho/salesiq'
import { messageOf, parseDelivery } from '../../src/zoho/webhook-payload'

describe('isChatOver (a chat is over by its state, never by an error wording)', () => {
  it('reads ended and missed chats in each shape SalesIQ may give', () => {
    for (const over of [
      { chat_status: { state_key: 'end', status_code: 2, state: 4, status_key: 'closed' } },
      { chat_status: { state_key: 'missed' } },
      { chat_status: { status_key: 'CLOSED' } },
      { end_time: '1769112930452' },
      { missed_time: '1769112930452' },
      { status: 'Missed' },
    ])
      expect(isChatOver(over)).toBe(true)
  })

  it('open chats are not over (status_code 0 while connected, as real deliveries show)', () => {
    for (const open of [
      { chat_status: { state_key: 'connected', status_code: 0, status_key: 'open' }, status: 'Connected' },
      { chat_status: { state_key: 'waiting', status_code: 0, state: 1, status_key: 'open' } },
      {},
      undefined,
    ])
      expect(isChatOver(open)).toBe(false)
  })
})

describe('messageDigest (recognises a message SalesIQ lists under another id)', () => {
  it('depends on the text and the file names only, not on their order', () => {
    const a = { text: 'hi', attachments: [{ name: 'a.png' }, { name: 'b.pdf' }] }
    expect(messageDigest(a)).toBe(messageDigest({ text: 'hi', attachments: [{ name: 'b.pdf' }, { name: 'a.png' }] }))
    expect(messageDigest(a)).not.toBe(messageDigest({ text: 'hi!', attachments: a.attachments }))
    expect(messageDigest(a)).not.toBe(messageDigest({ text: 'hi', attachments: [{ name: 'a.png' }] }))
  })
})

describe('a file is found wherever it sits (property)', () => {
  const places = [
    (f: object) => ({ file: f }),
    (f: object) => ({ attachments: [f] }),
    (f: object) => ({ attachment: f }),
    (f: object) => ({ attachment: [f] }),
    (f: object) => ({ files: [f] }),
    (f: object) => ({ meta: { file: f } }),
    (f: object) => ({ meta: { attachment: f } }),
    (f: object) => ({ meta: { attachments: [f] } }),
  ]
  it('any name and https URL, under any of the candidate places, with any text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...places),
        fc.string({ minLength: 1 }).filter((s) => s.trim() === s && s.length > 0),
        fc.stringMatching(/^[\w./%-]{0,30}$/).map((p) => `https://files.example/${p}`),
        fc.string(),
        (place, name, url, text) => {
          const body = JSON.stringify({
            event: 'conversation.operator.replied',
            entity_id: '1',
            entity: { message: { sender: { id: '5', type: 'operator' }, text, ...place({ name, url }) } },
          })
          const parsed = parseDelivery(body)
          if (!parsed.ok) throw new Error(parsed.reason)
          expect(messageOf(parsed.delivery.entity)?.attachments).toEqual([{ name, url }])
        }
      ),
      { numRuns: 200 }
    )
  })
})
