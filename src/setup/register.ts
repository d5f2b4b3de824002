import type * as bp from '.botpress'
import { readIntegrationState } from '../state/read-state'
import { oauthStartUrl } from './oauth-start'
import { runSetup } from './run-setup'
import { updateSetup } from './setup-state'

/**
 * Runs at every configuration save, so it is idempotent. The webhook URL is stored first (only register receives
 * it; the OAuth flow needs it as redirect URI). Without a refresh token there is nothing to validate yet: the bot
 * owner gets the one-click authorization link, and the OAuth redirect finishes the setup.
 */
export const register: bp.IntegrationProps['register'] = async (props) => {
  const { webhookUrl, ctx, logger } = props
  await updateSetup(props, { webhookUrl })
  const oauth = await readIntegrationState(props, 'oauth')
  if (!oauth?.refreshToken && !ctx.configuration.refreshToken?.trim()) {
    logger
      .forBot()
      .info(
        `Connect Zoho SalesIQ: open ${oauthStartUrl(webhookUrl)} and accept. ` +
          `(First add ${webhookUrl} as an "Authorized Redirect URI" of your Zoho API client.)`
      )
    await updateSetup(props, { status: 'waiting for authorization' })
    return
  }
  await runSetup(props, webhookUrl)
}
