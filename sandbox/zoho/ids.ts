import { randomBytes } from 'node:crypto'

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex')

/** Zoho tokens and codes look like `1000.<32 hex>.<32 hex>`. */
export const zohoToken = (): string => `1000.${hex(16)}.${hex(16)}`

/** `LD_<19 digits>_<org id>`, the shape of real wms_chat_id values. */
export function wmsChatId(orgId: string): string {
  const digits = BigInt(`0x${hex(8)}`)
    .toString()
    .padStart(20, '0')
    .slice(0, 19)
    .replace(/^0/, '1')
  return `LD_${digits}_${orgId}`
}

export const ms = (t: number | undefined): string | undefined => (t === undefined ? undefined : String(t))
