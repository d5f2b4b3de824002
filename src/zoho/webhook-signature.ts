import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto'

/**
 * SalesIQ signs each secured delivery with RSA "SHA256withRSA" (PKCS#1 v1.5) over the raw body, Base64 in
 * `x-siqsignature` (reference §5, Addendum A1). Verified over the exact body string's UTF-8 bytes — never a
 * re-serialised JSON — against every stored key: SalesIQ signs with the oldest one, which may be any of ours.
 */

/** Parsed keys, by their text: the same one or two keys check every delivery. Bounded, as input may be anything. */
const parsed = new Map<string, KeyObject | undefined>()

/** A key as SalesIQ shows it (bare Base64 DER SubjectPublicKeyInfo) or as PEM; undefined when it is not a key. */
export function parsePublicKey(text: string): KeyObject | undefined {
  if (parsed.has(text)) return parsed.get(text)
  const key = parseKeyText(text)
  if (parsed.size >= 32) parsed.clear()
  parsed.set(text, key)
  return key
}

function parseKeyText(text: string): KeyObject | undefined {
  const trimmed = text.trim()
  if (!trimmed) return undefined
  try {
    if (trimmed.includes('-----BEGIN')) return createPublicKey(trimmed)
    const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64')
    try {
      return createPublicKey({ key: der, format: 'der', type: 'spki' })
    } catch {
      return createPublicKey({ key: der, format: 'der', type: 'pkcs1' }) // bare RSAPublicKey, just in case
    }
  } catch {
    return undefined
  }
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

/** True when `signature` is a valid signature of `rawBody` by one of `keys`. Never throws. */
export function verifySignature(rawBody: string, signature: string | undefined, keys: readonly string[]): boolean {
  const sig = signature?.trim()
  if (!sig || !BASE64.test(sig)) return false
  const signatureBytes = Buffer.from(sig, 'base64')
  if (signatureBytes.length === 0) return false
  const data = Buffer.from(rawBody, 'utf8')
  for (const text of keys) {
    const key = parsePublicKey(text)
    if (!key) continue
    try {
      if (verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signatureBytes)) return true
    } catch {
      // a key of another type (e.g. EC) or a malformed signature: not a match
    }
  }
  return false
}
