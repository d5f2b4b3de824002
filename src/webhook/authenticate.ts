import type { Request } from '@botpress/sdk'
import type * as bp from '.botpress'
import { readSetup } from '../setup/setup-state'
import { verifySignature } from '../zoho/webhook-signature'

export const header = (req: Request, name: string): string | undefined => {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(req.headers ?? {})) if (key.toLowerCase() === wanted) return value
  return undefined
}

export type AuthResult = { ok: true } | { ok: false; reason: string }

/**
 * The stored keys change only at setup, but every delivery needs them: a short memory cache saves a Botpress call per
 * delivery. A signature that fails against cached keys is checked again against fresh ones (a key may just have
 * been added) — but at most once per KEYS_RECHECK_MS, so junk (bad or missing signatures, deliveries before the
 * setup) cannot turn each request into a Botpress call. A request without a signature costs nothing at all.
 */
const KEYS_CACHE_MS = 60_000
const KEYS_RECHECK_MS = 5_000
const keyCache = new Map<string, { keys: string[]; readAt: number }>()

async function storedKeys(props: bp.CommonHandlerProps, fresh: boolean): Promise<string[]> {
  const key = props.ctx.integrationId
  const cached = keyCache.get(key)
  const age = cached ? Date.now() - cached.readAt : Infinity
  if (cached && age < (fresh ? KEYS_RECHECK_MS : KEYS_CACHE_MS)) return cached.keys
  const { publicKeys } = await readSetup(props)
  keyCache.set(key, { keys: publicKeys, readAt: Date.now() })
  return publicKeys
}

/** After this instance stored new keys (setup), the next delivery is checked against them at once. */
export const forgetWebhookKeys = (integrationId: string) => keyCache.delete(integrationId)

/**
 * A delivery counts only when it is signed by SalesIQ with a key of *our* webhook: the keys stored at setup, plus
 * the one pasted in the configuration for a webhook created by hand. No key at all means the setup is unfinished:
 * refuse (SalesIQ keeps the delivery as a failed execution) rather than trust an unsigned body.
 */
export async function authenticate(props: bp.CommonHandlerProps, req: Request): Promise<AuthResult> {
  const signature = header(req, 'x-siqsignature')
  if (!signature) return { ok: false, reason: 'missing x-siqsignature' }
  const configured = props.ctx.configuration.webhookPublicKey?.trim()
  const withConfigured = (keys: string[]) => [...keys, ...(configured ? [configured] : [])]
  let keys = withConfigured(await storedKeys(props, false))
  if (!keys.length) keys = withConfigured(await storedKeys(props, true))
  if (!keys.length) {
    props.logger
      .forBot()
      .warn(
        'Refused a SalesIQ delivery: no webhook key is known yet. Finish the setup (save the configuration, or open the ' +
          'authorization link it logs), or paste the public key of your hand-made webhook in "webhookPublicKey".'
      )
    return { ok: false, reason: 'setup not finished' }
  }
  const body = req.body ?? ''
  if (verifySignature(body, signature, keys)) return { ok: true }
  // Maybe a key was added since we cached them: one fresh look before refusing (rate-limited, see above).
  if (!verifySignature(body, signature, withConfigured(await storedKeys(props, true))))
    return { ok: false, reason: 'bad signature' }
  return { ok: true }
}
