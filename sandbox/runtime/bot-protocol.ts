import { readAnswer, type ProtocolAnswer } from './protocol'

/** Who the bot is, as Botpress tells it in every delivery. */
export type BotIdentity = { botId: string; botUserId: string }

/**
 * Calls a bot the way Botpress does (reference/botpress.md §3b): one HTTP request; the operation, the event type
 * and the base64 configuration in x-bp-* headers. The SDK's bot server refuses a delivery without `x-bp-type`, so
 * operations that are no event (action_triggered, register, ping) carry their own name there.
 */
export async function callBot(
  url: string,
  identity: BotIdentity,
  configuration: Record<string, unknown>,
  operation: 'event_received' | 'action_triggered' | 'register' | 'ping',
  type: string,
  body: unknown
): Promise<ProtocolAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-bot-id': identity.botId,
      'x-bot-user-id': identity.botUserId,
      'x-bp-operation': operation,
      'x-bp-type': type,
      'x-bp-configuration': Buffer.from(JSON.stringify(configuration)).toString('base64'),
    },
    body: JSON.stringify(body ?? {}),
  })
  return readAnswer(response)
}
