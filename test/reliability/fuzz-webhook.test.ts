import { generateKeyPairSync, sign } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './support/matrix'
import { scale } from './support/profile'
import { closeAndScan, startTracked, type Tracked } from './support/tracked-stack'

/**
 * The webhook handler under random input, through the protocol (webhook_received, as Botpress forwards it): random
 * bodies, headers and content types, signed with our key, forged, or unsigned; well-formed events for chats we did not
 * open. Always a 2xx/4xx (never a 5xx, never a crash), and nothing is created: no user, conversation, message, event.
 */
let stack: Tracked
const own = generateKeyPairSync('rsa', { modulusLength: 2048 })
const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 })
const RUNS = scale(300, 3000)

beforeAll(async () => {
  stack = await startTracked({ bot: false, zohoSettings: { autoAssignDelayMs: 60_000 } })
  // The manual-setup key: deliveries signed with `own` are authentic.
  stack.pool.configuration = {
    ...stack.configuration,
    webhookPublicKey: own.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  }
})
afterAll(() => closeAndScan(stack))

const counts = () => {
  const b = stack.botpress.dump().bots[stack.identity.botId]
  return b ? [b.users.length, b.conversations.length, b.messages.length, b.events.length] : [0, 0, 0, 0]
}

const EVENTS = [
  'conversation.attender.updated',
  'conversation.operator.replied',
  'conversation.completed',
  'conversation.missed',
  'conversation.transfer.accepted',
  'conversation.visitor.replied',
  'conversation.rated',
]

const chatId = fc.oneof(fc.bigInt({ min: 10n ** 16n, max: 10n ** 17n }).map(String), fc.string(), fc.integer())
const entity = fc.record(
  {
    id: chatId,
    conversation_id: chatId,
    message: fc.oneof(
      fc.anything(),
      fc.record({
        msgid: fc.string(),
        text: fc.string(),
        sender: fc.record({ id: fc.string(), type: fc.constantFrom('operator', 'visitor', 'bot', 'x') }),
      }),
      fc.record({
        file: fc.record({ name: fc.string(), url: fc.webUrl(), content_type: fc.string(), size: fc.integer() }),
      })
    ),
    attender: fc.oneof(fc.anything(), fc.record({ id: fc.string(), name: fc.string(), email: fc.emailAddress() })),
    visitor: fc.anything(),
  },
  { requiredKeys: [] }
)
const envelope = fc.record(
  {
    event: fc.oneof(fc.constantFrom(...EVENTS), fc.string()),
    entity_id: chatId,
    event_time: fc.oneof(fc.integer().map(String), fc.anything()),
    attempt: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.anything()),
    version: fc.oneof(fc.constant(1), fc.constant('1'), fc.anything()),
    webhook_id: fc.string(),
    entity: fc.oneof(entity, fc.anything()),
  },
  { requiredKeys: [] }
)
const body = fc.oneof(
  envelope.map((e) => JSON.stringify(e)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constant(''),
  fc.constant('{"event":'),
  fc.constant('null')
)
const signing = fc.constantFrom('ours', 'foreign', 'none', 'garbage', 'ours-of-another-body', 'empty')
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  '',
  'application/json; charset=utf-16'
)

const signature = (kind: string, b: string) => {
  if (kind === 'ours') return sign('sha256', Buffer.from(b), own.privateKey).toString('base64')
  if (kind === 'foreign') return sign('sha256', Buffer.from(b), foreign.privateKey).toString('base64')
  if (kind === 'ours-of-another-body') return sign('sha256', Buffer.from(`${b} `), own.privateKey).toString('base64')
  if (kind === 'garbage') return 'not base64 ✗'
  if (kind === 'empty') return ''
  return undefined
}

const deliver = (b: string, headers: Record<string, string>, method = 'POST') =>
  stack.pool.call('webhook_received', { req: { method, path: '', query: '', headers, body: b } })

describe('webhook handler under random input', () => {
  it(`${RUNS} random deliveries: always 2xx/4xx, nothing created`, async () => {
    const before = counts()
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(
        body,
        signing,
        contentType,
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        async (b, kind, type, extra) => {
          const sig = signature(kind, b)
          const headers: Record<string, string> = { ...extra, 'content-type': type }
          if (sig !== undefined) headers['x-siqsignature'] = sig
          const answer = await deliver(b, headers)
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
          expect(answer.status).toBeGreaterThanOrEqual(200)
          expect(answer.status).toBeLessThan(500)
          if (kind !== 'ours') expect(answer.status).toBe(401)
        }
      ),
      { numRuns: RUNS }
    )
    expect(counts()).toEqual(before)
    record({
      fault: `fuzz: ${RUNS} random webhook bodies/headers/signatures`,
      where: 'webhook handler',
      sent: RUNS,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      outcome: `ok: ${[...statuses]
        .sort()
        .map(([s, n]) => `${n}×${s}`)
        .join(' ')}, nothing created`,
    })
  }, 120_000)

  it('well-formed, signed events for chats we did not open: 200, nothing created', async () => {
    const before = counts()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...EVENTS),
        fc.bigInt({ min: 10n ** 16n, max: 10n ** 17n }),
        async (event, id) => {
          const b = JSON.stringify({
            event,
            entity_id: String(id),
            event_time: String(Date.now()),
            attempt: 1,
            version: 1,
            entity: {
              id: String(id),
              attender: { id: '71000000003000001', name: 'Ada' },
              message: {
                msgid: `m${id}`,
                text: 'hello stranger',
                sender: { id: '71000000003000001', type: 'operator' },
              },
            },
          })
          const answer = await deliver(b, {
            'content-type': 'application/json',
            'x-siqsignature': signature('ours', b)!,
          })
          expect(answer.status).toBe(200)
        }
      ),
      { numRuns: scale(50, 500) }
    )
    expect(counts()).toEqual(before)
  }, 120_000)

  it('oversized bodies and other methods: 4xx, nothing created', async () => {
    const before = counts()
    const big = `{"event":"conversation.operator.replied","entity":{"message":{"text":"${'x'.repeat(6 * 1024 * 1024)}"}}}`
    for (const kind of ['ours', 'none']) {
      const sig = signature(kind, big)
      const answer = await deliver(big, {
        'content-type': 'application/json',
        ...(sig ? { 'x-siqsignature': sig } : {}),
      })
      expect(answer.status, kind).toBeGreaterThanOrEqual(200)
      expect(answer.status, kind).toBeLessThan(500)
    }
    const viaIngress = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(11 * 1024 * 1024),
    })
    expect(viaIngress.status).toBe(413)
    for (const method of ['PUT', 'DELETE', 'PATCH']) expect((await deliver('{}', {}, method)).status).toBe(405)
    expect(counts()).toEqual(before)
  }, 60_000)

  it('a replayed authentic delivery changes nothing the second time', async () => {
    const b = JSON.stringify({
      event: 'conversation.rated',
      entity_id: '1',
      event_time: String(Date.now()),
      version: 1,
      entity: { rating: 5 },
    })
    const headers = { 'content-type': 'application/json', 'x-siqsignature': signature('ours', b)! }
    const before = counts()
    expect((await deliver(b, headers)).status).toBe(200)
    expect((await deliver(b, headers)).status).toBe(200)
    expect(counts()).toEqual(before)
  })
})
