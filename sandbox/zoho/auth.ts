import type { FastifyRequest } from 'fastify'
import type { EmulatorContext } from './context'
import { siq } from './errors'
import type { AccessToken } from './model'
import { validAccessToken } from './tokens'

/**
 * Every SalesIQ call: `Authorization: Zoho-oauthtoken <token>` (or `Bearer <token>`), a live access token (1008
 * otherwise), one of the scopes the endpoint needs (its module's `.ALL` also counts; case-insensitive, as Zoho's
 * own pages disagree on case), then the portal (screen name).
 */
export function authorize(ctx: EmulatorContext, req: FastifyRequest, anyOf: string[]): AccessToken {
  const header = req.headers.authorization
  if (!header) throw siq.badAuthHeader('the Authorization header is missing')
  const m = /^(Zoho-oauthtoken|Bearer)\s+(\S+)\s*$/i.exec(header)
  if (!m) throw siq.badAuthHeader(`scheme '${header.split(/\s+/)[0]}' is not Zoho-oauthtoken or Bearer`)
  const at = validAccessToken(ctx, m[2])
  if (!at) throw siq.invalidToken()
  const ok = anyOf.some((need) => {
    const n = need.toLowerCase()
    const all = n.replace(/\.[a-z]+$/, '.all')
    return at.scopes.includes(n) || at.scopes.includes(all)
  })
  if (!ok) throw siq.scope(anyOf.join(' or '))
  const screen = (req.params as { screen?: string }).screen
  if (screen !== undefined && screen !== ctx.seed.screenName) throw siq.portal(screen)
  return at
}

export const SCOPES = {
  convRead: ['SalesIQ.conversations.READ'],
  convCreate: ['SalesIQ.conversations.CREATE'],
  convUpdate: ['SalesIQ.conversations.UPDATE'],
  appsRead: ['SalesIQ.apps.READ'],
  deptRead: ['SalesIQ.departments.READ'],
  opsRead: ['SalesIQ.operators.READ'],
  whRead: ['SalesIQ.webhooks.READ'],
  whCreate: ['SalesIQ.webhooks.CREATE'],
  whUpdate: ['SalesIQ.webhooks.UPDATE'],
  whDelete: ['SalesIQ.webhooks.DELETE'],
}
