import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { readIntegrationState } from '../state/read-state'
import { isZohoError } from '../zoho/errors'
import { readSetup, updateSetup } from './setup-state'

/**
 * Deletes our SalesIQ webhook (by the stored id, else found by URL). Never blocks the uninstall: a webhook that is
 * already gone, or a connection that never happened, is only logged.
 */
export const unregister: bp.IntegrationProps['unregister'] = async (props) => {
  const log = props.logger.forBot()
  const setup = await readSetup(props)
  const url = (props.webhookUrl || setup.webhookUrl || '').replace(/\/+$/, '')
  const oauth = await readIntegrationState(props, 'oauth')
  if (!oauth?.refreshToken && !props.ctx.configuration.refreshToken?.trim()) {
    log.info('Not connected to Zoho: there is no SalesIQ webhook to delete.')
    return
  }
  try {
    const { salesiq } = await connect(props)
    const ids = new Set<string>(setup.webhookId ? [setup.webhookId] : [])
    if (url) {
      const list = await salesiq.listWebhooks().catch(() => undefined)
      for (const w of list?.data ?? []) if (w.url?.replace(/\/+$/, '') === url) ids.add(String(w.id))
    }
    for (const id of ids) {
      try {
        await salesiq.deleteWebhook(id)
        log.info(`Deleted SalesIQ webhook ${id}.`)
      } catch (err) {
        if (isZohoError(err, 'not_found') || isZohoError(err, 'invalid_request'))
          log.info(`SalesIQ webhook ${id} was already deleted.`)
        else throw err
      }
    }
    await updateSetup(props, { webhookId: undefined, publicKeys: [], status: 'unregistered' })
  } catch (err) {
    log.warn(
      `Could not delete the SalesIQ webhook (delete it in SalesIQ → Settings → Developers → Webhooks): ${(err as Error).message}`
    )
  }
}
