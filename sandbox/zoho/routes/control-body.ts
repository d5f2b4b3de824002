import type { FastifyRequest } from 'fastify'
import { ControlError } from '../errors'

export function cbody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body
  if (b === undefined || b === null) return {}
  if (typeof b !== 'object' || Array.isArray(b) || Buffer.isBuffer(b))
    throw new ControlError(400, 'Send a JSON object body (content-type: application/json)')
  return b as Record<string, unknown>
}

export function optString(b: Record<string, unknown>, key: string): string | undefined {
  const v = b[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' && typeof v !== 'number') throw new ControlError(400, `'${key}' must be a string`)
  return String(v)
}
