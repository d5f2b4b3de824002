import { isZohoError } from '../zoho/errors'
import type { SalesIQClient, WebhookObject } from '../zoho/salesiq'

/** What we act on (src/webhook). Not `visitor.replied`: it only echoes the visitor's own messages back (§5). */
export const WEBHOOK_EVENTS = [
  'conversation.attender.updated',
  'conversation.transfer.accepted',
  'conversation.operator.replied',
  'conversation.completed',
  'conversation.missed',
  'conversation.rated',
] as const

export type EnsuredWebhook = { webhookId: string; publicKeys: string[]; action: 'created' | 'updated' | 'unchanged' }

/** Thrown when SalesIQ refuses to let us manage webhooks: the caller explains the manual path. */
export class WebhookRefusedError extends Error {
  override readonly name = 'WebhookRefusedError'
}

const sameUrl = (a: string | undefined, b: string) =>
  !!a && a.trim().replace(/\/+$/, '') === b.trim().replace(/\/+$/, '')
const sameSet = (a: readonly unknown[] | undefined, b: readonly string[]) =>
  !!a && a.length === b.length && b.every((x) => a.map(String).includes(x))
const isSecured = (w: WebhookObject) => w.secured === true || w.secured === 'true'

/** Public keys, oldest first (SalesIQ signs with the oldest). */
export function keysOf(w: Pick<WebhookObject, 'public_keys'> | undefined): string[] {
  const keys = Array.isArray(w?.public_keys)
    ? w.public_keys.filter((k) => k && typeof k.key === 'string' && k.key.trim())
    : []
  return [...keys].sort((x, y) => Number(x.created_time ?? 0) - Number(y.created_time ?? 0)).map((k) => k.key.trim())
}

/** Refusals that mean "you may not manage webhooks here" (scope, permission, URL check), not a passing outage. */
const refused = (err: unknown) => isZohoError(err, 'scope') || isZohoError(err, 'invalid_request')

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (refused(err)) throw new WebhookRefusedError((err as Error).message)
    throw err
  }
}

/**
 * One secured `data` webhook for the app, pointing at our URL, found by URL so that saving the configuration again
 * updates it instead of adding a second one. A key is generated only when the webhook has none (max 2 per webhook).
 */
export async function ensureWebhook(salesiq: SalesIQClient, url: string, appId: string): Promise<EnsuredWebhook> {
  const body = { type: 'data', url, events: [...WEBHOOK_EVENTS], app_ids: [appId], secured: true }
  const list = await guard(() => salesiq.listWebhooks())
  const ours = (Array.isArray(list?.data) ? list.data : []).filter((w) => sameUrl(w.url, url))
  let webhook = ours[0]
  let action: EnsuredWebhook['action'] = 'unchanged'

  for (const extra of ours.slice(1)) await salesiq.deleteWebhook(extra.id).catch(() => undefined) // earlier duplicates

  if (!webhook) {
    webhook = (await guard(() => salesiq.createWebhook(body)))?.data
    if (!webhook?.id) throw new Error('SalesIQ created the webhook but returned no id')
    action = 'created'
  } else if (!sameSet(webhook.events, WEBHOOK_EVENTS) || !sameSet(webhook.app_ids, [appId]) || !isSecured(webhook)) {
    const updated = (await guard(() => salesiq.updateWebhook(webhook!.id, body)))?.data
    webhook = { ...webhook, ...(updated?.id ? updated : {}) }
    action = 'updated'
  }

  let publicKeys = keysOf(webhook)
  if (!publicKeys.length) {
    const created = (await guard(() => salesiq.createWebhookKey(webhook!.id)))?.data
    publicKeys = keysFromKeyAnswer(created)
    if (!publicKeys.length) {
      // The answer's shape is undocumented: read the webhook back.
      const again = (await salesiq.listWebhooks())?.data?.find((w) => w.id === webhook!.id)
      publicKeys = keysOf(again)
    }
  }
  return { webhookId: String(webhook.id), publicKeys, action }
}

/** `POST /webhooks/{id}/keys` answers a key, a list of keys, or the webhook: accept each. */
function keysFromKeyAnswer(data: unknown): string[] {
  if (!data || typeof data !== 'object') return []
  if (Array.isArray(data)) return keysOf({ public_keys: data as WebhookObject['public_keys'] })
  const o = data as Record<string, unknown>
  if (Array.isArray(o.public_keys)) return keysOf(o as WebhookObject)
  if (typeof o.key === 'string') return [o.key.trim()]
  return []
}
