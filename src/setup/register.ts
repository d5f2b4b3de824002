import type * as bp from '.botpress'
import { forgetOAuthCache } from '../runtime/connection'
import { readIntegrationState } from '../state/read-state'
import { issueOAuthLink } from './oauth-link'
import { runSetup } from './run-setup'
import { updateSetup } from './setup-state'

/**
 * Runs at every configuration save, so it is idempotent. The webhook URL is stored first (only register receives
 * it; the OAuth flow needs it as redirect URI).
 * - A refresh token in the configuration is what the owner chose: it is used, and a grant stored earlier through
 *   the authorization link is dropped (it would otherwise come back the day the field is emptied).
 * - Without one, a stored grant is checked like any configuration; the owner gets a fresh authorization link either
 *   way (next to the error when the check fails), so a broken grant is replaced just by saving again and opening it.
 * - Without either, the owner gets the link, and the OAuth redirect finishes the setup.
 */
export const register: bp.IntegrationProps['register'] = async (props) => {
  const { webhookUrl, ctx, logger } = props
  const log = logger.forBot()
  await updateSetup(props, { webhookUrl })
  const oauth = await readIntegrationState(props, 'oauth')

  if (ctx.configuration.refreshToken?.trim()) {
    if (oauth) await dropGrant(props)
    await runSetup(props, webhookUrl)
    return
  }

  if (!oauth?.refreshToken) {
    log.info(await connectLine(props, webhookUrl))
    await updateSetup(props, { status: 'waiting for authorization' })
    return
  }

  try {
    await runSetup(props, webhookUrl)
    log.info(`To connect another Zoho account instead: ${await connectLine(props, webhookUrl)}`)
  } catch (err) {
    log.warn(
      `The Zoho connection made through the authorization link did not pass the check (${(err as Error).message}). ` +
        'If the connection itself is at fault (another Zoho account, missing permissions, revoked), connect again:'
    )
    log.info(await connectLine(props, webhookUrl))
    throw err
  }
}

/** The one log line with the full link (design.md: it starts with `<webhook URL>/oauth/start`). */
async function connectLine(props: bp.CommonHandlerProps, webhookUrl: string): Promise<string> {
  const link = await issueOAuthLink(props, webhookUrl)
  return (
    `Connect Zoho SalesIQ: open ${link} and accept (the link works once, within an hour; save the configuration ` +
    `again for a new one). First add ${webhookUrl} as an "Authorized Redirect URI" of your Zoho API client.`
  )
}

async function dropGrant(props: bp.CommonHandlerProps) {
  await props.client.setState({ type: 'integration', id: props.ctx.integrationId, name: 'oauth', payload: null })
  forgetOAuthCache(props.ctx.integrationId)
  props.logger
    .forBot()
    .info(
      'Using the refresh token of the configuration; the connection made through the authorization link was removed.'
    )
}
