import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type * as bp from '.botpress'
import { readIntegrationState } from '../state/read-state'

/**
 * Who may connect a Zoho account: only whoever reads the bot's logs (its owner). register logs a link carrying a
 * random secret; opening it once starts one consent (it is then used up) and binds a fresh `state` to it; Zoho's
 * redirect must bring that state back, once, within STATE_TTL_MS. Knowing the webhook URL gives nothing.
 * Only hashes are stored (integration state `oauthFlow`, shared by every instance). Read-then-write is not atomic
 * across instances, which only matters to someone who already holds the secret.
 */
export const LINK_TTL_MS = 60 * 60_000
export const STATE_TTL_MS = 10 * 60_000
/** A few links may be valid at once (the configuration saved twice in a row); older ones are dropped. */
const MAX_LIVE = 5

type Entry = { id: string; hash: string; expiresAt: number }
type Flow = { links: Entry[]; states: Entry[] }

const hash = (secret: string) => createHash('sha256').update(secret).digest('base64url')
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
const live = (entries: Entry[] | undefined, now: number) =>
  (entries ?? []).filter((e) => e.expiresAt > now).slice(-MAX_LIVE)

/** `<id>.<secret>`: the id finds the entry, the secret proves it. */
function newToken(): { token: string; id: string; secret: string } {
  const id = randomBytes(6).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { token: `${id}.${secret}`, id, secret }
}

async function readFlow(props: bp.CommonHandlerProps): Promise<Flow> {
  const state = await readIntegrationState(props, 'oauthFlow')
  return { links: state?.links ?? [], states: state?.states ?? [] }
}

async function writeFlow(props: bp.CommonHandlerProps, flow: Flow) {
  await props.client.setState({ type: 'integration', id: props.ctx.integrationId, name: 'oauthFlow', payload: flow })
}

export const oauthStartPath = (webhookUrl: string) => `${webhookUrl.replace(/\/+$/, '')}/oauth/start`

/** A new single-use link for register to log. */
export async function issueOAuthLink(props: bp.CommonHandlerProps, webhookUrl: string): Promise<string> {
  const now = Date.now()
  const flow = await readFlow(props)
  const { token, id, secret } = newToken()
  await writeFlow(props, {
    links: [...live(flow.links, now), { id, hash: hash(secret), expiresAt: now + LINK_TTL_MS }].slice(-MAX_LIVE),
    states: live(flow.states, now),
  })
  return `${oauthStartPath(webhookUrl)}?link=${token}`
}

export type Check = { ok: true } | { ok: false; reason: 'missing' | 'unknown' }

/** Takes `entries`' matching entry out (used once); `unknown` covers forged, used and expired alike. */
const TOKEN = /^([0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/

function take(entries: Entry[], token: string, now: number): { found: boolean; rest: Entry[] } {
  const match = TOKEN.exec(token)
  const rest = live(entries, now)
  if (!match) return { found: false, rest }
  const i = rest.findIndex((e) => e.id === match[1] && sameHash(e.hash, hash(match[2]!)))
  if (i < 0) return { found: false, rest }
  return { found: true, rest: rest.filter((_, j) => j !== i) }
}

/** Opens a logged link: uses it up and returns the state to send to Zoho, bound to this start. */
export async function openOAuthLink(
  props: bp.CommonHandlerProps,
  link: string | undefined
): Promise<{ ok: true; state: string } | { ok: false; reason: 'missing' | 'unknown' }> {
  if (!link) return { ok: false, reason: 'missing' }
  if (!TOKEN.test(link)) return { ok: false, reason: 'unknown' } // junk costs no Botpress call
  const now = Date.now()
  const flow = await readFlow(props)
  const { found, rest } = take(flow.links, link, now)
  if (!found) return { ok: false, reason: 'unknown' }
  const { token, id, secret } = newToken()
  await writeFlow(props, {
    links: rest,
    states: [...live(flow.states, now), { id, hash: hash(secret), expiresAt: now + STATE_TTL_MS }].slice(-MAX_LIVE),
  })
  return { ok: true, state: token }
}

/** Zoho's redirect: the state must be one we handed out, and it is used up before anything else happens. */
export async function takeOAuthState(props: bp.CommonHandlerProps, state: string | undefined): Promise<Check> {
  if (!state) return { ok: false, reason: 'missing' }
  if (!TOKEN.test(state)) return { ok: false, reason: 'unknown' }
  const now = Date.now()
  const flow = await readFlow(props)
  const { found, rest } = take(flow.states, state, now)
  if (!found) return { ok: false, reason: 'unknown' }
  await writeFlow(props, { links: live(flow.links, now), states: rest })
  return { ok: true }
}
