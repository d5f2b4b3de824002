import { RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { connect, type Connection } from '../runtime/connection'
import { toRuntimeError } from '../runtime/errors'
import { forgetWebhookKeys } from '../webhook/authenticate'
import { ensureWebhook, WEBHOOK_EVENTS, WebhookRefusedError } from './ensure-webhook'
import { updateSetup, type SetupState } from './setup-state'
import { validateConfiguration } from './validate'

export type SetupOutcome = { summary: string; patch: Partial<SetupState>; warning?: string }

/**
 * Validates the configuration against SalesIQ through `connection`, then creates or updates our SalesIQ webhook.
 * Writes nothing to Botpress, so the OAuth redirect can run it with a grant it has not stored yet. Every problem is
 * a RuntimeError that says what to fix.
 */
export async function setUpSalesIQ(connection: Connection, webhookUrl: string): Promise<SetupOutcome> {
  const { salesiq, tokens, config, region } = connection
  const { appName } = await validateConfiguration(salesiq, tokens, config)
  const appLabel = appName ? `"${appName}" (${config.appId})` : `"${config.appId}"`

  try {
    const hook = await ensureWebhook(salesiq, webhookUrl, config.appId)
    const summary = `Connected to SalesIQ portal "${config.screenName}" (${region}), app ${appLabel}; webhook ${hook.webhookId} ${hook.action}.`
    return {
      summary,
      patch: { webhookUrl, webhookId: hook.webhookId, publicKeys: hook.publicKeys, status: summary },
      warning:
        !hook.publicKeys.length && !config.webhookPublicKey?.trim()
          ? 'SalesIQ returned no public key for the webhook: deliveries cannot be authenticated and will be refused (401).'
          : undefined,
    }
  } catch (err) {
    if (!(err instanceof WebhookRefusedError)) throw toRuntimeError(err, 'setting up the SalesIQ webhook')
    if (config.webhookPublicKey?.trim()) {
      const summary = `Connected to SalesIQ portal "${config.screenName}", app ${appLabel}; using the webhook you created by hand (SalesIQ refused to manage it: ${err.message}).`
      return { summary, patch: { webhookUrl, status: summary } }
    }
    throw new RuntimeError(manualWebhookHelp(err.message, webhookUrl, config.appId))
  }
}

/** What register does once a refresh token exists: set up through the stored credentials, then record the outcome. */
export async function runSetup(props: bp.CommonHandlerProps, webhookUrl: string): Promise<string> {
  let outcome: SetupOutcome
  try {
    outcome = await setUpSalesIQ(await connect(props), webhookUrl)
  } catch (err) {
    await updateSetup(props, { webhookUrl, status: `not set up: ${(err as Error).message}` }).catch(() => undefined)
    throw err
  }
  await recordSetup(props, outcome)
  return outcome.summary
}

export async function recordSetup(props: bp.CommonHandlerProps, outcome: SetupOutcome): Promise<void> {
  await updateSetup(props, outcome.patch)
  forgetWebhookKeys(props.ctx.integrationId) // this instance checks the next delivery against the new keys at once
  const log = props.logger.forBot()
  log.info(outcome.summary)
  if (outcome.warning) log.warn(outcome.warning)
}

export function manualWebhookHelp(reason: string, webhookUrl: string, appId: string): string {
  return (
    `SalesIQ refused to create the webhook (${reason}). Either reconnect so the token has the SalesIQ.webhooks scopes, ` +
    `or create it by hand in SalesIQ (Settings → Developers → Webhooks → Add): type "data", URL ${webhookUrl}, ` +
    `app ${appId}, events ${WEBHOOK_EVENTS.join(', ')}, "secured" on; then generate its public key, paste it in ` +
    `"webhookPublicKey" and save the configuration again.`
  )
}
