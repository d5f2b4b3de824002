import { keysOf, WEBHOOK_EVENTS } from '../../src/setup/ensure-webhook'
import { parsePublicKey } from '../../src/zoho/webhook-signature'
import type { WebhookObject } from '../../src/zoho/salesiq'
import { errorText, type DoctorContext } from '../context'
import { fail, pass, skip, warn, type StepResult } from '../report'

const norm = (url: string | undefined) => (url ?? '').trim().replace(/\/+$/, '')
const noSpace = (key: string) => key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
// SalesIQ's webhooks are created through its REST API (Zoho's help names no settings page for them).
const byHand = (url: string, appId: string) =>
  `create it by hand with SalesIQ's REST API (hub.md, "The webhook, by hand"): POST /api/v2/<screen name>/webhooks with type "data", url ${url}, app_ids [${appId}], events ${WEBHOOK_EVENTS.join(', ')}, secured true; then POST /webhooks/<id>/keys and paste the key in "webhookPublicKey".`
const createByHand = (url: string, appId: string) =>
  `save the integration's configuration again in Botpress (register creates the webhook), or ${byHand(url, appId)}`

/**
 * No webhook for the app at all: the integration makes it when it connects (register), so before the first save it is
 * a step not taken yet, not a wrong setting. A warning that says what creates it (a failure with --strict); the
 * webhook steps after it are skipped. A webhook of the app at another URL is a real mismatch and still fails.
 */
function notCreatedYet(ctx: DoctorContext, title: string): StepResult {
  const { appId, webhookUrl } = ctx.config
  const detail = `SalesIQ has no webhook for app ${appId} yet, so no operator reply, assignment or end of chat can reach Botpress.`
  const fix =
    ctx.target.kind === 'emulator'
      ? 'an emulator starts with no webhook, and no integration has connected to this one yet: an integration pointed at it creates the webhook when its configuration is saved. For a complete setup in one command, `npm run doctor -- --emulator` starts an emulator of its own, creates the webhook as the integration does and checks a signed delivery.'
      : ctx.target.kind === 'local'
        ? 'the integration creates it when its configuration is saved with a working connection (this run left it out on purpose: --break webhook).'
        : `expected if the integration's configuration has not been saved with a working connection yet: saving it with a refresh token, or accepting the authorization link, creates the webhook. Then run the doctor again. If saving says SalesIQ refused to create the webhook, ${byHand(webhookUrl ?? '<webhook URL>', appId)}`
  return warn(title, detail, fix)
}

/** The app's webhook pointing at the integration's URL (when known), subscribed to what the integration handles. */
export async function checkWebhookRegistered(ctx: DoctorContext): Promise<StepResult> {
  const { config } = ctx
  const url = config.webhookUrl
  const title = url
    ? `Webhook registered for app ${config.appId} → ${url}`
    : `Webhook registered for app ${config.appId}`
  let all: WebhookObject[]
  try {
    const res = await ctx.zoho.salesiq.listWebhooks()
    all = Array.isArray(res?.data) ? res.data : []
  } catch (err) {
    return fail(title, errorText(err), 'grant SalesIQ.webhooks.READ (see the scopes step).')
  }
  const forApp = all.filter((w) => !w.app_ids?.length || w.app_ids.map(String).includes(config.appId))
  const candidates = url ? all.filter((w) => norm(w.url) === norm(url)) : forApp
  const listing = forApp.length
    ? `Webhooks of this app: ${forApp.map((w) => `${w.id} → ${w.url}`).join(', ')}.`
    : 'This app has no webhook.'
  if (!candidates.length && !forApp.length) return notCreatedYet(ctx, title)
  if (!candidates.length)
    return fail(
      title,
      url
        ? `No SalesIQ webhook points at ${url}. ${listing}`
        : `No SalesIQ webhook is registered for app ${config.appId}.`,
      createByHand(url ?? '<webhook URL>', config.appId)
    )
  const webhook = candidates.find((w) => forApp.includes(w)) ?? candidates[0]!
  ctx.webhook = webhook
  const problems: string[] = []
  if (!forApp.includes(webhook))
    problems.push(
      `it is not subscribed to app ${config.appId} (app_ids: ${(webhook.app_ids ?? []).join(', ') || 'none'})`
    )
  const events = (webhook.events ?? []).map(String)
  const missing = WEBHOOK_EVENTS.filter((e) => !events.includes(e))
  if (missing.length) problems.push(`it misses the events ${missing.join(', ')}`)
  const status = (webhook as { status?: unknown }).status
  if (status !== undefined && String(status) !== 'enabled') problems.push(`its status is "${String(status)}"`)
  if (problems.length)
    return fail(
      title,
      `Webhook ${webhook.id} → ${webhook.url}: ${problems.join('; ')}.`,
      createByHand(webhook.url, config.appId)
    )
  const extra =
    !url && candidates.length > 1
      ? ` (${candidates.length} webhooks for this app; pass --webhook-url to check the integration's)`
      : ''
  if (extra)
    return warn(
      title,
      `webhook ${webhook.id} → ${webhook.url}${extra}`,
      "pass the webhook URL shown on the integration's page in Botpress."
    )
  return pass(title, `webhook ${webhook.id} → ${webhook.url}, events ${events.length}`)
}

/** Secured, with a public key SalesIQ signs with (the oldest is in use), loadable as an RSA public key. */
export async function checkWebhookSecured(ctx: DoctorContext): Promise<StepResult> {
  const title = 'Webhook secured with a public key'
  const webhook = ctx.webhook
  if (!webhook) return skip(title, 'no webhook to check (see the step above)')
  const secured = webhook.secured === true || webhook.secured === 'true'
  const keys = keysOf(webhook)
  const pasted = ctx.config.webhookPublicKey?.trim()
  const usable = [...keys, ...(pasted ? [pasted] : [])]
  ctx.webhookKeys = usable
  const fixKey = `save the integration's configuration again: it secures webhook ${webhook.id} and generates a key when it has none. By hand: PUT /api/v2/<screen name>/webhooks/${webhook.id} with secured true, POST …/webhooks/${webhook.id}/keys, and paste the key in "webhookPublicKey".`
  if (!secured)
    return fail(
      title,
      `Webhook ${webhook.id} is not secured: SalesIQ sends no signature and the integration refuses every delivery (401).`,
      fixKey
    )
  if (!usable.length)
    return fail(
      title,
      `Webhook ${webhook.id} has no public key: deliveries cannot be verified and are refused (401).`,
      fixKey
    )
  const bad = usable.filter((k) => !parsePublicKey(k))
  if (bad.length)
    return fail(
      title,
      `${bad.length} key(s) cannot be read as an RSA public key (Base64 DER or PEM expected).`,
      'copy the key again from SalesIQ, whole, into "webhookPublicKey".'
    )
  const bits = parsePublicKey(usable[0]!)?.asymmetricKeyDetails?.modulusLength
  if (pasted && keys.length && !keys.some((k) => noSpace(k) === noSpace(pasted)))
    return warn(
      title,
      `"webhookPublicKey" is not one of webhook ${webhook.id}'s keys: deliveries signed with the webhook's key are still verified only if the integration stored it at register.`,
      'copy the current key of the webhook into "webhookPublicKey", or empty it when the integration created the webhook itself.'
    )
  return pass(
    title,
    `${keys.length} key(s)${pasted ? ' + webhookPublicKey' : ''}, RSA${bits ? ` ${bits} bits` : ''}; SalesIQ signs with the oldest`
  )
}
