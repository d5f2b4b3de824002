import type { FastifyRequest } from 'fastify'
import type { EmulatorContext } from '../context'
import type { MessageInput } from '../chat'
import { SiqError, siq } from '../errors'

/** Reading request bodies the SalesIQ way: JSON objects, or multipart with `file` (+ `comment`). */

export function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body
  if (b === undefined || b === null) return {}
  if (typeof b !== 'object' || Array.isArray(b) || Buffer.isBuffer(b)) {
    throw siq.contentType(String(req.headers['content-type'] ?? 'none'))
  }
  return b as Record<string, unknown>
}

export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined

export function requireStr(obj: Record<string, unknown>, key: string, path = key): string {
  const v = str(obj[key])
  if (v === undefined || v.trim() === '') throw siq.param(path)
  return v
}

export async function readMessage(ctx: EmulatorContext, req: FastifyRequest): Promise<MessageInput> {
  if (!req.isMultipart()) {
    const b = jsonBody(req)
    if (b.text !== undefined && typeof b.text !== 'string') throw siq.dataType('text', 'a string')
    const text = requireStr(b, 'text')
    return { text }
  }
  const max = ctx.settings.maxUploadBytes
  const out: MessageInput = {}
  try {
    for await (const part of req.parts({ limits: { fileSize: max } })) {
      if (part.type === 'file') {
        const data = await part.toBuffer()
        if (part.fieldname === 'file')
          out.file = { name: part.filename || 'file', contentType: part.mimetype || 'application/octet-stream', data }
      } else if (part.fieldname === 'comment') out.comment = String(part.value)
      else if (part.fieldname === 'text') out.text = String(part.value)
    }
  } catch (e) {
    const err = e as { code?: string }
    if (err.code === 'FST_REQ_FILE_TOO_LARGE')
      throw new SiqError(1027, `File too large: over the ${max} bytes SalesIQ accepts`, { param: 'file' })
    throw e
  }
  if (!out.file) throw siq.param('file', 'is required in a multipart message')
  if (out.file.data.length === 0) throw siq.emptyFile()
  req.logBody = {
    file: { name: out.file.name, size: out.file.data.length, contentType: out.file.contentType },
    comment: out.comment,
  }
  return out
}
