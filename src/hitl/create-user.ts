import { randomUUID } from 'node:crypto'
import type * as bp from '.botpress'
import { realEmail } from './email'

/**
 * One Botpress user per end user (never integration-wide state). Its `visitorId` tag is the stable
 * `visitor.user_id` SalesIQ knows this visitor by, so every chat of the same user lands on the same visitor.
 */
export const createUser: bp.IntegrationProps['actions']['createUser'] = async ({ client, input }) => {
  const email = realEmail(input.email)
  // getOrCreate on a fresh id creates exactly one user, and stays within the API calls the reference lists.
  const visitorId = `botpress-${randomUUID()}`
  const { user } = await client.getOrCreateUser({
    name: input.name,
    pictureUrl: input.pictureUrl,
    tags: { role: 'visitor', visitorId, ...(email ? { email } : {}) },
    discriminateByTags: ['visitorId'],
  })
  return { userId: user.id }
}
