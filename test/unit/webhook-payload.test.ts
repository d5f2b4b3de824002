import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { messageOf, newOwner, parseDelivery, shapeOf } from '../../src/zoho/webhook-payload'

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

const operator = { id: '5', name: 'Ada', type: 'operator' }
const fileUrl = 'https://salesiq.zoho.com/api/v2/acme/attachments/k1?file_name=a.png&purpose=chat_attachment'
const filesOf = (message: unknown) =>
  messageOf(parse(envelope('conversation.operator.replied', { message })).entity)?.attachments

describe('operator file shapes (A2, A8: none seen in real traffic)', () => {
  const variants: Record<string, Record<string, unknown>> = {
    'message.file {…}': { file: { name: 'a.png', url: fileUrl, content_type: 'image/png', size: 12 } },
    'message.attachments [{…}]': { attachments: [{ name: 'a.png', url: fileUrl, contenttype: 'image/png', size: 12 }] },
    'message.attachment {…} (singular)': {
      attachment: { name: 'a.png', url: fileUrl, content_type: 'image/png', size: 12 },
    },
    'message.attachment [{…}]': { attachment: [{ name: 'a.png', url: fileUrl, content_type: 'image/png', size: 12 }] },
    'meta.file_url': { meta: { file_url: fileUrl, file_name: 'a.png', content_type: 'image/png', size: 12 } },
    'type:"file" with a URL': { type: 'file', url: fileUrl, file_name: 'a.png', content_type: 'image/png', size: 12 },
    'meta.attachment {…}': {
      meta: { attachment: { name: 'a.png', url: fileUrl, content_type: 'image/png', size: 12 } },
    },
  }
  for (const [name, fields] of Object.entries(variants))
    it(`reads ${name}`, () => {
      expect(filesOf({ msgid: '1', sender: operator, text: '', ...fields })).toEqual([
        { name: 'a.png', url: fileUrl, contentType: 'image/png', size: 12 },
      ])
    })

  it('a bare URL string and a URL-only meta are files too', () => {
    expect(filesOf({ sender: operator, attachment: fileUrl })).toEqual([{ url: fileUrl }])
    expect(filesOf({ sender: operator, meta: { file_url: fileUrl } })).toEqual([{ url: fileUrl }])
  })

  it('a message with neither text nor a file it can read has no attachments and an empty text', () => {
    const m = messageOf(
      parse(envelope('conversation.operator.replied', { message: { sender: operator, msgid: '9', blob: { k: 1 } } }))
        .entity
    )
    expect(m).toMatchObject({ text: '', attachments: [] })
  })

  it('attachments nested 5 000 deep do not overflow the stack; the text is still read', () => {
    // Built as text: JSON.stringify itself recurses.
    const nested = '['.repeat(5000) + JSON.stringify({ name: 'deep.png', url: fileUrl }) + ']'.repeat(5000)
    const body = JSON.stringify(
      envelope('conversation.operator.replied', { message: { sender: operator, text: 'still here', attachments: 0 } })
    ).replace('"attachments":0', `"attachments":${nested}`)
    const result = parseDelivery(body)
    if (!result.ok) throw new Error(result.reason)
    const m = messageOf(result.delivery.entity)
    expect(m?.text).toBe('still here')
    expect(m?.attachments).toEqual([])
  })

  it('reads 2 000 attachments without recursion (the handler caps what it relays)', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ name: `f${i}.txt`, url: `https://x.example/${i}` }))
    expect(filesOf({ sender: operator, attachments: many })).toHaveLength(2000)
  })
})

describe('big numeric ids (JSON numbers of 17–19 digits)', () => {
  it('are read without rounding', () => {
    const body =
      '{"event":"conversation.operator.replied","entity_id":11209000000003001,"app_id":11209000000002238,' +
      '"webhook":{"id":11209000000002314},"event_time":1769112930452,"attempt":1,"version":1,' +
      '"entity":{"id":11209000000003001,"message":{"msgid":1769112930346,"text":"hi",' +
      '"sender":{"id":1120900000000200299,"type":"operator"}}}}'
    expect(String(JSON.parse(body).entity_id)).toBe('11209000000003000') // what JSON.parse alone gives
    const result = parseDelivery(body)
    if (!result.ok) throw new Error(result.reason)
    const d = result.delivery
    expect(d).toMatchObject({ chatId: '11209000000003001', appId: '11209000000002238', webhookId: '11209000000002314' })
    expect(d.eventTime).toBe(1769112930452)
    expect(messageOf(d.entity)).toMatchObject({ id: '1769112930346', sender: { id: '1120900000000200299' } })
  })

  it('any 17–19 digit id survives, as a string (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n - 1n }), (n) => {
        const result = parseDelivery(`{"event":"conversation.completed","entity_id":${n},"entity":{"id":${n}}}`)
        expect(result.ok && result.delivery.chatId).toBe(n.toString())
      })
    )
  })

  it('a body nested too deep for the lossless parser is still read', () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000)
    const result = parseDelivery(`{"event":"conversation.completed","entity_id":"42","entity":{"x":${deep}}}`)
    expect(result.ok && result.delivery.chatId).toBe('42')
  })
})

describe('shapeOf (logged for unreadable messages)', () => {
  it('gives keys and value types, never values', () => {
    const shape = shapeOf({
      msgid: '1769',
      text: 'secret words',
      sender: { id: 5, name: 'Ada' },
      blob: [{ k: true }],
      n: null,
    })
    expect(shape).toBe(
      '{blob: [{k: boolean}], msgid: string, n: null, sender: {id: number, name: string}, text: string}'
    )
    expect(shape).not.toContain('secret')
    expect(shape).not.toContain('Ada')
  })

  it('stays bounded for deep and wide values', () => {
    let deep: unknown = 1
    for (let i = 0; i < 1000; i++) deep = { a: deep }
    expect(shapeOf(deep).length).toBeLessThan(200)
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))
    expect(shapeOf(wide).length).toBeLessThan(600)
  })
})
