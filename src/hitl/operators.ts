import type * as bp from '.botpress'
import { realEmail } from './email'

export type Operator = { id: string; name?: string; email?: string }

/**
 * The Botpress user that *is* this SalesIQ operator (agent messages come from it, never from the visitor).
 * getOrCreate by the operator id keeps it to one user across instances; the name follows SalesIQ's.
 */
export async function operatorUserId(props: bp.CommonHandlerProps, operator: Operator): Promise<string> {
  const { client, ctx } = props
  const email = realEmail(operator.email)
  const name = operator.name?.trim() || 'SalesIQ operator'
  // Every operator message needs this user: a memory cache (same operator, same name) saves a Botpress call each.
  const cacheKey = `${ctx.botId}\n${ctx.integrationId}\n${operator.id}\n${name}`
  const cached = knownOperators.get(cacheKey)
  if (cached && cached.until > Date.now()) return cached.userId
  const { user } = await client.getOrCreateUser({
    name,
    tags: { role: 'operator', operatorId: operator.id, ...(email ? { operatorEmail: email } : {}) },
    discriminateByTags: ['operatorId'],
  })
  if (user.name !== name) await client.updateUser({ id: user.id, name, tags: {} })
  if (knownOperators.size > 10_000) knownOperators.clear()
  knownOperators.set(cacheKey, { userId: user.id, until: Date.now() + OPERATOR_CACHE_MS })
  return user.id
}

const OPERATOR_CACHE_MS = 10 * 60_000
const knownOperators = new Map<string, { userId: string; until: number }>()

/**
 * The opt-in notices (missedChatMessage, chatEndedMessage) come from this user, never from an operator. It is keyed by
 * its own tag, which no operator user carries, so no delivery can find it as an operator, rename it or make it one.
 * (Earlier versions keyed it as operator "system"; that user is no longer written as.)
 */
export async function noticeUserId(client: bp.Client): Promise<string> {
  const { user } = await client.getOrCreateUser({
    name: 'Zoho SalesIQ',
    tags: { role: 'system', noticeUser: 'salesiq' },
    discriminateByTags: ['noticeUser'],
  })
  return user.id
}
