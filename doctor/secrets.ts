/**
 * Secrets never reach the output: configuration values are shown masked, and every printed line is scrubbed of
 * every secret the doctor knows (client secret, refresh token, access tokens it obtained) as a last line of defence.
 */
const known = new Set<string>()

/** Remembers a value that must never be printed (ignored when too short to be a real secret). */
export function registerSecret(value: string | undefined): void {
  if (value && value.trim().length >= 6) known.add(value.trim())
}

export function redact(text: string): string {
  let out = text
  for (const secret of known) out = out.split(secret).join('****')
  return out
}

/** How a secret is shown: whether it is set and its length, never any of its characters. */
export const maskSecret = (value: string | undefined) =>
  value ? `set (${value.length} characters, hidden)` : 'not set'
