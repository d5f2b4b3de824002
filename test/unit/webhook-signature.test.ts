import { generateKeyPairSync, sign } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePublicKey, verifySignature } from '../../src/zoho/webhook-signature'

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 })
const a = pair()
const b = pair()
/** What SalesIQ shows: bare Base64 DER SubjectPublicKeyInfo (Addendum A1). */
const bare = (k: typeof a) => k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
const pem = (k: typeof a) => k.publicKey.export({ format: 'pem', type: 'spki' }).toString()
const signed = (k: typeof a, body: string) => sign('sha256', Buffer.from(body, 'utf8'), k.privateKey).toString('base64')

const body = JSON.stringify({
  event: 'conversation.operator.replied',
  entity_id: '1',
  entity: { message: { text: 'héllo ✓' } },
})

describe('webhook signature (RSA SHA256withRSA over the raw body)', () => {
  it('accepts a signature by a bare Base64 DER key and by a PEM key', () => {
    expect(verifySignature(body, signed(a, body), [bare(a)])).toBe(true)
    expect(verifySignature(body, signed(a, body), [pem(a)])).toBe(true)
  })

  it('tries every stored key (SalesIQ signs with the oldest)', () => {
    expect(verifySignature(body, signed(b, body), [bare(a), bare(b)])).toBe(true)
    expect(verifySignature(body, signed(a, body), ['not a key', bare(a)])).toBe(true)
  })

  it('refuses a missing, malformed or foreign signature', () => {
    expect(verifySignature(body, undefined, [bare(a)])).toBe(false)
    expect(verifySignature(body, '', [bare(a)])).toBe(false)
    expect(verifySignature(body, 'not base64 !!', [bare(a)])).toBe(false)
    expect(verifySignature(body, signed(b, body), [bare(a)])).toBe(false)
    expect(verifySignature(body, signed(a, body), [])).toBe(false)
  })

  it('is over the exact bytes: re-serialised or altered JSON fails', () => {
    const sig = signed(a, body)
    expect(verifySignature(JSON.stringify(JSON.parse(body), null, 1), sig, [bare(a)])).toBe(false)
    expect(verifySignature(body.replace('héllo', 'hello'), sig, [bare(a)])).toBe(false)
    expect(verifySignature(`${body} `, sig, [bare(a)])).toBe(false)
  })

  it('parses keys leniently and never throws on junk', () => {
    expect(parsePublicKey(`  ${bare(a)}\n`)).toBeDefined()
    expect(parsePublicKey(bare(a).replace(/(.{64})/g, '$1\n'))).toBeDefined()
    expect(parsePublicKey('')).toBeUndefined()
    expect(parsePublicKey('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----')).toBeUndefined()
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.string(), { maxLength: 3 }), (raw, sig, keys) => {
        expect(verifySignature(raw, sig, keys)).toBe(false)
      }),
      { numRuns: 200 }
    )
  })
})
