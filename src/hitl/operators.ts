import type * as bp from '.botpress'
import { realEmail } from './email'

export type Operator = { id: string; name?: string; email?: string }

/**
 * The Botpress user that *is* this SalesIQ operator (agent messages come from it, never from the visitor).
 * getOrCreate by the operator id keeps it to one user across instances; the name follows SalesIQ's.
 */
export async function operatorUserId(client: bp.Client, operator: Operator): Promise<string> {
  const email = realEmail(operator.email)
  const name = operator.name?.trim() || 'SalesIQ operator'
  const { user } = await client.getOrCreateUser({
    name,
    tags: { role: 'operator', operatorId: operator.id, ...(email ? { operatorEmail: email } : {}) },
    discriminateByTags: ['operatorId'],
  })
  if (user.name !== name) await client.updateUser({ id: user.id, name, tags: {} })
  return user.id
}

/** Notices (nobody available, chat ended) come from this system user, not from an operator. */
export async function systemUserId(client: bp.Client): Promise<string> {
  const { user } = await client.getOrCreateUser({
    name: 'Zoho SalesIQ',
    tags: { role: 'system', operatorId: 'system' },
    discriminateByTags: ['operatorId'],
  })
  return user.id
}
