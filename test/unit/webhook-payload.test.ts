import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { messageOf, newOwner, parseDelivery } from '../../src/zoho/webhook-payload'

/** Real envelope (reference §5). */
const envelope = (event: string, entity: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  handler: 'execution',
  entity_type: 'conversation',
  webhook: { id: '11209000000002314' },
  org_id: '110002332534',
  event,
  entity_id: '11209000000003001',
  attempt: 1,
  version: 1,
  app_id: '11209000000002238',
  event_time: '1769112930452',
  entity,
  ...extra,
})

const parse = (value: unknown) => {
  const result = parseDelivery(JSON.stringify(value))
  if (!result.ok) throw new Error(result.reason)
  return result.delivery
}

describe('webhook payload parsing', () => {
  it('reads the real envelope; numbers as strings and version number|string', () => {
    const d = parse(envelope('conversation.completed', { id: '11209000000003001', ended_by: 'agent' }))
    expect(d).toMatchObject({
      event: 'conversation.completed',
      chatId: '11209000000003001',
      eventTime: 1769112930452,
      attempt: 1,
    })
    const v = parse(
      envelope(
        'conversation.rated',
        { rating: '4' },
        { version: '1', attempt: '3', app_id: 11209000000002238, event_time: 1769112930452 }
      )
    )
    expect(v).toMatchObject({ attempt: 3, eventTime: 1769112930452, appId: '11209000000002238' })
    expect(v.entity.rating).toBe(4)
  })

  it('takes the chat id from entity_id, else entity.id / conversation_id; numeric ids become strings', () => {
    const { entity_id: _, ...noEntityId } = envelope('conversation.missed', { id: 42, status: 'Missed' })
    expect(parse(noEntityId).chatId).toBe('42')
    expect(parse({ event: 'conversation.missed', entity: { conversation_id: '7' } }).chatId).toBe('7')
  })

  it('keeps extra fields and tolerates odd types in fields it does not need', () => {
    const d = parse(
      envelope(
        'conversation.attender.updated',
        { owner: 'weird', chat_status: 5, extra: { deep: [1] } },
        { surprise: true }
      )
    )
    expect(d.entity.extra).toEqual({ deep: [1] })
    expect(newOwner(d.entity, d.event)).toBeUndefined()
  })

  it('finds the operator of attender.updated and of transfers; bots are not operators', () => {
    const owner = { id: '11209000000002002', name: 'Ada Agent', email: 'ada@example.com', type: 'operator' }
    expect(
      newOwner(parse(envelope('conversation.attender.updated', { owner })).entity, 'conversation.attender.updated')
    ).toEqual({
      id: '11209000000002002',
      name: 'Ada Agent',
      email: 'ada@example.com',
      type: 'operator',
    })
    const transfer = { owner, accepted_by: { id: 99, name: 'Bob', email_id: 'bob@example.com' } }
    expect(
      newOwner(parse(envelope('conversation.transfer.accepted', transfer)).entity, 'conversation.transfer.accepted')
    ).toMatchObject({
      id: '99',
      email: 'bob@example.com',
    })
    expect(
      newOwner(parse(envelope('conversation.attender.updated', { owner: { id: '1', type: 'bot' } })).entity, 'x')
    ).toBeUndefined()
  })

  it('reads operator messages: text, and files under message.file, message.attachments[] or meta', () => {
    const base = { id: 'x', sender: { id: '5', name: 'Ada', type: 'operator' }, msgid: 1769112930000 }
    const text = messageOf(
      parse(envelope('conversation.operator.replied', { message: { ...base, text: 'Hi!', meta: {} } })).entity
    )
    expect(text).toMatchObject({
      id: '1769112930000',
      text: 'Hi!',
      attachments: [],
      sender: { id: '5', type: 'operator' },
    })

    const file = {
      name: 'a.png',
      url: 'https://salesiq.zoho.com/api/v2/p/attachments/k?file_name=a.png',
      content_type: 'image/png',
      size: '12',
    }
    const underFile = messageOf(parse(envelope('e', { message: { ...base, text: '', file } })).entity)
    expect(underFile?.attachments).toEqual([{ name: 'a.png', url: file.url, contentType: 'image/png', size: 12 }])

    const zobot = [{ name: 'b.pdf', url: 'https://x.example/b.pdf', contenttype: 'application/pdf' }]
    expect(messageOf(parse(envelope('e', { message: { ...base, attachments: zobot } })).entity)?.attachments).toEqual([
      { name: 'b.pdf', url: 'https://x.example/b.pdf', contentType: 'application/pdf' },
    ])
    expect(
      messageOf(parse(envelope('e', { message: { ...base, meta: { file: { name: 'c.txt' } } } })).entity)?.attachments
    ).toEqual([{ name: 'c.txt' }])
    expect(
      messageOf(
        parse(envelope('e', { message: { ...base, meta: { url: 'https://x.example/d.jpg', name: 'd.jpg' } } })).entity
      )?.attachments
    ).toEqual([{ url: 'https://x.example/d.jpg', name: 'd.jpg' }])
    const unsafe = messageOf(
      parse(envelope('e', { message: { ...base, file: { name: 'e', url: 'javascript:alert(1)' } } })).entity
    )
    expect(unsafe?.attachments).toEqual([{ name: 'e' }])
  })

  it('rejects garbage with a reason', () => {
    for (const body of [
      undefined,
      '',
      'not json',
      '[]',
      '{}',
      '{"event":""}',
      '{"event":"x"}',
      'null',
      '"x"',
      '{"event":5}',
    ])
      expect(parseDelivery(body).ok).toBe(false)
  })

  it('never throws, whatever arrives (property)', () => {
    const anyJson = fc.oneof(
      fc.json(),
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v))
    )
    const shaped = fc
      .record(
        {
          event: fc.oneof(fc.string(), fc.constant('conversation.operator.replied'), fc.integer()),
          entity_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          event_time: fc.anything(),
          attempt: fc.anything(),
          version: fc.anything(),
          entity: fc.oneof(
            fc.anything(),
            fc.record(
              { message: fc.anything(), owner: fc.anything(), accepted_by: fc.anything(), meta: fc.anything() },
              { requiredKeys: [] }
            )
          ),
        },
        { requiredKeys: [] }
      )
      .map((v) => JSON.stringify(v))
    fc.assert(
      fc.property(fc.oneof(anyJson, shaped), (body) => {
        const result = parseDelivery(body)
        if (result.ok) {
          expect(typeof result.delivery.chatId).toBe('string')
          expect(() => messageOf(result.delivery.entity)).not.toThrow()
          expect(() => newOwner(result.delivery.entity, result.delivery.event)).not.toThrow()
        }
      }),
      { numRuns: 1000 }
    )
  })
})
