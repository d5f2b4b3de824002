import { RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { toRuntimeError } from '../runtime/errors'
import { ensureWebhook, WEBHOOK_EVENTS, WebhookRefusedError } from './ensure-webhook'
import { updateSetup } from './setup-state'
import { validateConfiguration } from './validate'

/**
 * What register does once a refresh token exists — and what the OAuth redirect does right after obtaining one:
 * validate the configuration, then create or update our SalesIQ webhook and store the keys it signs with.
 * Every problem is a RuntimeError that says what to fix. Returns a one-line summary for logs and the OAuth page.
 */
export async function runSetup(props: bp.CommonHandlerProps, webhookUrl: string): Promise<string> {
  const { salesiq, tokens, config, region } = await connect(props)
  const { appName } = await validateConfiguration(salesiq, tokens, config)
  const log = props.logger.forBot()
  const appLabel = appName ? `"${appName}" (${config.appId})` : `"${config.appId}"`

  try {
    const hook = await ensureWebhook(salesiq, webhookUrl, config.appId)
    const summary = `Connected to SalesIQ portal "${config.screenName}" (${region}), app ${appLabel}; webhook ${hook.webhookId} ${hook.action}.`
    await updateSetup(props, { webhookUrl, webhookId: hook.webhookId, publicKeys: hook.publicKeys, status: summary })
    log.info(summary)
    if (!hook.publicKeys.length && !config.webhookPublicKey?.trim())
      log.warn(
        'SalesIQ returned no public key for the webhook: deliveries cannot be authenticated and will be refused (401).'
      )
    return summary
  } catch (err) {
    if (!(err instanceof WebhookRefusedError)) throw toRuntimeError(err, 'setting up the SalesIQ webhook')
    if (config.webhookPublicKey?.trim()) {
      const summary = `Connected to SalesIQ portal "${config.screenName}", app ${appLabel}; using the webhook you created by hand (SalesIQ refused to manage it: ${err.message}).`
      await updateSetup(props, { webhookUrl, status: summary })
      log.info(summary)
      return summary
    }
    await updateSetup(props, { webhookUrl, status: 'webhook refused' })
    throw new RuntimeError(manualWebhookHelp(err.message, webhookUrl, config.appId))
  }
}

export function manualWebhookHelp(reason: string, webhookUrl: string, appId: string): string {
  return (
    `SalesIQ refused to create the webhook (${reason}). Either reconnect so the token has the SalesIQ.webhooks scopes, ` +
    `or create it by hand in SalesIQ (Settings → Developers → Webhooks → Add): type "data", URL ${webhookUrl}, ` +
    `app ${appId}, events ${WEBHOOK_EVENTS.join(', ')}, "secured" on; then generate its public key, paste it in ` +
    `"webhookPublicKey" and save the configuration again.`
  )
}
