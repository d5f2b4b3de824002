/**
 * Calls an integration the way Botpress does (reference/botpress.md §4): one HTTP request, the operation and the
 * base64 configuration in x-bp-* headers.
 */
export type Identity = {
  botId: string
  botUserId: string
  integrationId: string
  integrationAlias: string
  webhookId: string
}

export type ProtocolAnswer = {
  status: number
  body: unknown
  text: string
  headers: Headers
  /** Index of the integration process that answered (set by the pool). */
  instance?: number
}

export async function callIntegration(
  url: string,
  identity: Identity,
  configuration: Record<string, unknown>,
  operation: string,
  body: unknown
): Promise<ProtocolAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-bot-id': identity.botId,
      'x-bot-user-id': identity.botUserId,
      'x-integration-id': identity.integrationId,
      'x-integration-alias': identity.integrationAlias,
      'x-webhook-id': identity.webhookId,
      'x-bp-operation': operation,
      'x-bp-configuration': Buffer.from(JSON.stringify(configuration)).toString('base64'),
    },
    body: JSON.stringify(body ?? {}),
    // The integration's answer is passed on as is (a webhook's 302 goes back to the browser, as Botpress does).
    redirect: 'manual',
  })
  return readAnswer(response)
}

/** The answer as the runtime passes it on: status, headers, the text and (when it is JSON) the parsed body. */
export async function readAnswer(response: Response): Promise<ProtocolAnswer> {
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, text, headers: response.headers }
}
