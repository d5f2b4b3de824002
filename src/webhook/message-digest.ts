import { createHash } from 'node:crypto'
import type { OperatorMessage } from '../zoho/webhook-payload'

/**
 * What an operator message says (its text and file names), hashed. SalesIQ's REST list of a chat's messages may
 * name a message by another id than the webhook's `msgid` (A8: never seen): the catch-up at chat end then
 * recognises a message it relayed already by this digest instead.
 */
export function messageDigest(message: Pick<OperatorMessage, 'text' | 'attachments'>): string {
  const files = message.attachments.map((a) => a.name ?? a.url ?? '').sort()
  return createHash('sha256')
    .update(JSON.stringify([message.text, files]))
    .digest('hex')
    .slice(0, 24)
}
