/**
 * What must never leave the integration: the client secret, refresh tokens, access tokens (the emulator's format,
 * `1000.<32 hex>.<32 hex>`, is also Zoho's), private keys. `findSecrets` names what it found, never the value.
 */
export const ACCESS_TOKEN = /1000\.[0-9a-f]{32}\.[0-9a-f]{32}/
const PRIVATE_KEY = /PRIVATE KEY-----|BEGIN (RSA |EC )?PRIVATE KEY/

export type Secret = { name: string; value: string }

export function findSecrets(text: string, literals: Secret[]): string[] {
  const found: string[] = []
  for (const s of literals) if (s.value && s.value.length >= 6 && text.includes(s.value)) found.push(s.name)
  const token = ACCESS_TOKEN.exec(text)
  if (token)
    found.push(`an access token (…${text.slice(Math.max(0, token.index - 60), token.index).replace(/\s+/g, ' ')})`)
  if (PRIVATE_KEY.test(text)) found.push('a private key')
  return found
}
