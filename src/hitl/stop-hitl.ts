import type * as bp from '.botpress'
import { connect } from '../runtime/connection'
import { asRuntimeErrors } from '../runtime/errors'
import { claimEnd } from './end'
import { getHitlConversation } from './hitl-conversation'

/**
 * Closes the SalesIQ chat (idempotent: a chat already over is fine). The end is claimed first, so the
 * `conversation.completed` webhook our own close triggers does not tell the plugin a second time.
 */
export const stopHitl: bp.IntegrationProps['actions']['stopHitl'] = async (props) => {
  const { client, input, logger } = props
  const { chatId } = await getHitlConversation(client, input.conversationId)
  // The plugin itself asked: it needs no hitlStopped, so the claim is finished at once.
  await (await claimEnd(client, input.conversationId, 'stopHitl')).finish()
  const { salesiq } = await asRuntimeErrors('connecting to Zoho SalesIQ', () => connect(props))
  const outcome = await asRuntimeErrors('closing the SalesIQ chat', () => salesiq.closeConversation(chatId))
  logger.forBot().info(`SalesIQ chat ${chatId} ${outcome === 'closed' ? 'closed' : 'was already closed'}`)
  return {}
}
