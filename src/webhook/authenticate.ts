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
 * A delivery counts only when it is signed by SalesIQ with a key of *our* webhook: the keys stored at setup, plus
 * the one pasted in the configuration for a webhook created by hand. No key at all means the setup is unfinished:
 * refuse (SalesIQ keeps the delivery as a failed execution) rather than trust an unsigned body.
 */
export async function authenticate(props: bp.CommonHandlerProps, req: Request): Promise<AuthResult> {
  const setup = await readSetup(props)
  const configured = props.ctx.configuration.webhookPublicKey?.trim()
  const keys = [...setup.publicKeys, ...(configured ? [configured] : [])]
  if (!keys.length) {
    props.logger
      .forBot()
      .warn(
        'Refused a SalesIQ delivery: no webhook key is known yet. Finish the setup (save the configuration, or open the ' +
          'authorization link it logs), or paste the public key of your hand-made webhook in "webhookPublicKey".'
      )
    return { ok: false, reason: 'setup not finished' }
  }
  const signature = header(req, 'x-siqsignature')
  if (!signature) return { ok: false, reason: 'missing x-siqsignature' }
  if (!verifySignature(req.body ?? '', signature, keys)) return { ok: false, reason: 'bad signature' }
  return { ok: true }
}
