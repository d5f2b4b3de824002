import type { FastifyInstance, FastifyReply } from 'fastify'
import type { EmulatorContext } from '../context'
import { zohoToken } from '../ids'
import { THROTTLED_BODY, exchangeCode, refreshAccessToken, revoke } from '../tokens'

/** Zoho Accounts: consent page, token endpoint (HTTP-200 error bodies), revoke. */

type Params = Record<string, string | undefined>

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Zoho: a code is single use and valid 2–3 minutes. */
const CODE_LIFETIME_MS = 120_000

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>`
    )
}

function redirectBack(
  ctx: EmulatorContext,
  reply: FastifyReply,
  redirectUri: string,
  params: Record<string, string | undefined>
) {
  const url = new URL(redirectUri)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
  url.searchParams.set('location', ctx.settings.location)
  url.searchParams.set('accounts-server', ctx.baseUrl())
  return reply.redirect(url.toString(), 302)
}

function issueCode(ctx: EmulatorContext, p: Params): string {
  const code = zohoToken().replace(/^1000\./, '1005.')
  ctx.store.codes.set(code, {
    code,
    clientId: p.client_id ?? '',
    redirectUri: p.redirect_uri ?? '',
    scopes: (p.scope ?? '')
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((s) => s.toLowerCase()),
    offline: p.access_type === 'offline',
    expiresAt: Date.now() + CODE_LIFETIME_MS,
    used: false,
  })
  return code
}

export function accountsRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const consent = async (req: { query: unknown }, reply: FastifyReply) => {
    const p = req.query as Params
    const client = ctx.store.clients.get(p.client_id ?? '')
    // Zoho shows an error page (no redirect) for an unknown client or redirect URI.
    if (!client)
      return page(
        reply,
        400,
        'Invalid Client',
        `<h1>Invalid Client</h1><p>No OAuth client '${esc(p.client_id ?? '')}'.</p>`
      )
    if (!p.redirect_uri || (client.redirectUris !== '*' && !client.redirectUris.includes(p.redirect_uri))) {
      return page(
        reply,
        400,
        'Invalid Redirect Uri',
        `<h1>Invalid Redirect Uri</h1><p>'${esc(p.redirect_uri ?? '')}' is not registered for this client.</p>`
      )
    }
    if (p.response_type !== 'code')
      return redirectBack(ctx, reply, p.redirect_uri, { error: 'unsupported_response_type', state: p.state })
    if (ctx.settings.autoConsent)
      return redirectBack(ctx, reply, p.redirect_uri, { state: p.state, code: issueCode(ctx, p) })
    const hidden = Object.entries(p)
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v ?? '')}">`)
      .join('')
    return page(
      reply,
      200,
      'Zoho Accounts (emulator) — consent',
      `<h1>Zoho SalesIQ emulator</h1><p>Client <b>${esc(client.clientId)}</b> asks for: <code>${esc(p.scope ?? '')}</code></p>` +
        `<form method="post" action="/oauth/v2/consent">${hidden}<button name="decision" value="accept" id="accept">Accept</button> ` +
        `<button name="decision" value="reject" id="reject">Reject</button></form>`
    )
  }
  app.get('/oauth/v2/auth', consent)
  app.get('/oauth/v2/org/auth', consent)

  // ((emulator-only)) target of the consent form.
  app.post('/oauth/v2/consent', async (req, reply) => {
    const p = { ...(req.query as Params), ...((req.body ?? {}) as Params) }
    const client = ctx.store.clients.get(p.client_id ?? '')
    if (!client || !p.redirect_uri) return page(reply, 400, 'Invalid request', '<h1>Invalid request</h1>')
    if (p.decision !== 'accept')
      return redirectBack(ctx, reply, p.redirect_uri, { error: 'access_denied', state: p.state })
    return redirectBack(ctx, reply, p.redirect_uri, { state: p.state, code: issueCode(ctx, p) })
  })

  app.post('/oauth/v2/token', async (req, reply) => {
    ctx.store.tokenEndpointCalls++
    // Zoho reads form-encoded parameters (body or query string) only: a JSON body is ignored, as a client bug should be.
    const isForm = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    const body = isForm && req.body && typeof req.body === 'object' ? (req.body as Params) : {}
    const p: Params = { ...(req.query as Params), ...body }
    if (p.grant_type === 'refresh_token' && ctx.faults.tokenThrottledUntil > Date.now()) {
      return reply.code(ctx.settings.throttleStatus).send(THROTTLED_BODY)
    }
    const answer =
      p.grant_type === 'authorization_code'
        ? exchangeCode(ctx, p)
        : p.grant_type === 'refresh_token'
          ? refreshAccessToken(ctx, p)
          : { status: 200, body: { error: 'unsupported_grant_type' } }
    return reply.code(answer.status).send(answer.body)
  })

  app.post('/oauth/v2/token/revoke', async (req, reply) => {
    const body = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Params) : {}
    const token = (req.query as Params).token ?? body.token
    if (!token || !revoke(ctx, token)) return reply.send({ error: 'invalid_token' })
    return reply.send({ status: 'success' })
  })
}
