import { isApiError, RuntimeError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { realEmail } from '../hitl/email'
import { connect } from '../runtime/connection'
import { toRuntimeError } from '../runtime/errors'
import { isZohoError, type ZohoError } from '../zoho/errors'
import type { SalesIQClient } from '../zoho/salesiq'

/**
 * SalesIQ's offline message, for a visitor nobody can chat with now. The visitor is the one startHitl opens chats
 * for (the user's `visitorId` tag, else `botpress-<user id>`), so operators find the message on the same visitor.
 */
export const leaveMessage: bp.IntegrationProps['actions']['leaveMessage'] = async (props) => {
  const { client, input, logger } = props
  if (!input.message?.trim()) throw new RuntimeError('leaveMessage: "message" is empty; pass what the visitor wrote.')
  const user = await getUser(client, input.userId)
  const config = props.ctx.configuration
  const departmentId = input.departmentId?.trim() || config.departmentId
  const email = realEmail(input.email) ?? user.tags.email
  const body = {
    app_id: config.appId,
    department_id: departmentId,
    message: input.message.trim(),
    visitor: {
      user_id: user.tags.visitorId || `botpress-${user.id}`,
      name: user.name?.trim() || 'Visitor',
      ...(email ? { email } : {}),
      ...(input.phone?.trim() ? { phone: input.phone.trim() } : {}),
    },
  }
  try {
    const { salesiq } = await connect(props)
    const answer = await send(salesiq, body, departmentId)
    const data = (answer?.data ?? {}) as Record<string, unknown>
    const id = [data.conversation_id, data.id, data.message_id, data.leave_message_id].find(
      (v) => (typeof v === 'string' && v.trim()) || typeof v === 'number'
    )
    const messageId = id === undefined ? undefined : String(id)
    logger.forBot().info(`Left a SalesIQ offline message for user ${user.id} (department ${departmentId})`)
    return { ...(messageId ? { messageId } : {}), departmentId }
  } catch (err) {
    throw explain(err, config.appId, departmentId)
  }
}

/** PUT (what Zoho's SDK sends) first; POST (what the docs print) only when the portal says the method is wrong. */
async function send(salesiq: SalesIQClient, body: Record<string, unknown>, departmentId: string) {
  try {
    return await salesiq.leaveMessage('PUT', body, departmentId)
  } catch (err) {
    if (!wrongMethod(err)) throw err
    return salesiq.leaveMessage('POST', body, departmentId)
  }
}

/** 1004 invalid request type, 1010 invalid method, 1006 invalid URL, or a bare 404/405: nothing was filed. */
const wrongMethod = (err: unknown) =>
  isZohoError(err) &&
  ([1004, 1006, 1010].includes(Number(err.details.code)) ||
    (err.details.code === undefined && (err.details.status === 404 || err.details.status === 405)))

const said = (err: ZohoError) => {
  const quote = /\(SalesIQ said: "[^"]*"\)/.exec(err.message)?.[0]
  return quote ? ` ${quote}` : ''
}

/**
 * SalesIQ documents no code for "offline messages are off". A permission refusal (1016), a plan limit (1017) or an
 * upgrade needed (1021), or a refusal whose words say so, is read as that; other refusals keep SalesIQ's own words.
 */
const notAllowed = (err: ZohoError) =>
  [1016, 1017, 1021].includes(Number(err.details.code)) ||
  (err.kind === 'invalid_request' && /\b(offline|not allowed|disabled|not enabled|turned off)\b/i.test(said(err)))

function explain(err: unknown, appId: string, departmentId: string): RuntimeError {
  if (err instanceof RuntimeError || wrongMethod(err)) return toRuntimeError(err, 'leaving an offline message')
  if (isZohoError(err, 'not_found') && Number(err.details.code) === 1025)
    return new RuntimeError(
      `SalesIQ refused the offline message: department "${departmentId}" is not a department of app "${appId}"${said(err)}.`
    )
  if (isZohoError(err) && notAllowed(err))
    return new RuntimeError(
      `SalesIQ did not accept the offline message${said(err)}: app "${appId}" does not allow visitors to leave a ` +
        'message now. Turn on offline messages ("leave a message" when no operator is available) for this brand in ' +
        'SalesIQ, or offer the visitor another way to reach you.'
    )
  return toRuntimeError(err, 'leaving an offline message')
}

async function getUser(client: bp.Client, userId: string) {
  try {
    return (await client.getUser({ id: userId })).user
  } catch (err) {
    if (isApiError(err) && err.type === 'ResourceNotFound')
      throw new RuntimeError(
        `leaveMessage: user "${userId}" does not exist; call createUser first and pass its userId.`
      )
    throw err
  }
}
