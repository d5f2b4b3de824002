import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { botOf, hasTags, mergeRecord, paginate, queryList, sorted, tagQuery, type Ctx } from './context'
import { notFound, validate } from './errors'
import { settingsOf } from './settings'
import { newId, now, type BotStore, type StoredFile } from './store'
import type { BpFile } from './types'

/** Largest upload the emulator accepts on an uploadUrl. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024

const accessPolicies = z.array(z.enum(['integrations', 'public_content']))
const upsertSchema = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  tags: z.record(z.string()).optional(),
  contentType: z.string().optional(),
  accessPolicies: accessPolicies.optional(),
  index: z.boolean().optional(),
  metadata: z.record(z.unknown()).optional(),
  expiresAt: z.string().optional(),
  publicContentImmediatelyAccessible: z.boolean().optional(),
  indexing: z.unknown().optional(),
})
const updateSchema = z.object({
  tags: z.record(z.string().nullable()).optional(),
  metadata: z.record(z.unknown()).optional(),
  accessPolicies: accessPolicies.optional(),
  expiresAt: z.string().nullable().optional(),
})

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  html: 'text/html',
  json: 'application/json',
  csv: 'text/csv',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  zip: 'application/zip',
}
/** Like the real API: the content type comes from the request, else from the key's extension. */
const contentTypeOf = (key: string, given?: string): string =>
  given ?? CONTENT_TYPES[key.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream'

const isPublic = (file: BpFile) => file.accessPolicies.includes('public_content')

/**
 * Emulator-side facts of a file the API does not show: whether upsertFile asked for immediate public access, and
 * when the last upload was processed (a public URL serves the content only from then on).
 */
type Processing = { immediate: boolean; processedAt?: number }
const processing = new WeakMap<StoredFile, Processing>()

/** The file as the API shows it: `url` is public for public_content, else carries a read token (a presigned URL). */
function view(ctx: Ctx, file: StoredFile): BpFile {
  const { content: _c, uploadToken: _u, readToken, ...rest } = file
  const url = `${ctx.baseUrl()}/_files/${file.botId}/${file.id}/${encodeURIComponent(file.key)}`
  return { ...rest, url: isPublic(file) ? url : `${url}?token=${readToken}` }
}

/** A file by id or key (getFile accepts either). */
export function findFile(bot: BotStore, idOrKey: string): StoredFile {
  const file = bot.files.get(idOrKey) ?? bot.files.get(bot.fileIdByKey.get(idOrKey) ?? '')
  if (!file) throw notFound('File', idOrKey)
  return file
}

const token = () => randomBytes(16).toString('hex')

type IdParams = { Params: { id: string } }
type ContentParams = { Params: { botId: string; id: string; key: string }; Querystring: { token?: string } }

export function fileRoutes(app: FastifyInstance, ctx: Ctx): void {
  // Upsert by key: the same key keeps its id and waits for a new upload.
  app.put('/v1/files', async (req) => {
    const { bot, caller } = botOf(req, ctx)
    const input = validate(upsertSchema, req.body, 'upsertFile')
    const at = now()
    const existingId = bot.fileIdByKey.get(input.key)
    const previous = existingId ? bot.files.get(existingId) : undefined
    const file: StoredFile = {
      id: previous?.id ?? newId('file'),
      botId: bot.botId,
      key: input.key,
      url: '',
      size: input.size,
      contentType: contentTypeOf(input.key, input.contentType),
      tags: { ...(input.tags ?? {}) },
      metadata: { ...(input.metadata ?? {}) },
      createdAt: previous?.createdAt ?? at,
      updatedAt: at,
      accessPolicies: input.accessPolicies ?? [],
      index: input.index ?? false,
      status: 'upload_pending',
      owner:
        caller.integrationId !== undefined
          ? { type: 'integration', id: caller.integrationId }
          : { type: 'bot', id: bot.botId },
      uploadToken: token(),
      readToken: previous?.readToken ?? token(),
    }
    if (input.expiresAt !== undefined) file.expiresAt = input.expiresAt
    processing.set(file, { immediate: input.publicContentImmediatelyAccessible === true })
    bot.addFile(file, caller)
    const uploadUrl = `${ctx.baseUrl()}/_files/${bot.botId}/${file.id}/upload?token=${file.uploadToken}`
    return { file: { ...view(ctx, file), uploadUrl } }
  })

  app.get<IdParams>('/v1/files/:id', async (req) => ({ file: view(ctx, findFile(botOf(req, ctx).bot, req.params.id)) }))

  app.put<IdParams>('/v1/files/:id', async (req) => {
    const { bot } = botOf(req, ctx)
    const file = findFile(bot, req.params.id)
    const input = validate(updateSchema, req.body, 'updateFileMetadata')
    if (input.tags !== undefined) file.tags = mergeRecord(file.tags, input.tags)
    if (input.metadata !== undefined) file.metadata = { ...file.metadata, ...input.metadata }
    if (input.accessPolicies !== undefined) file.accessPolicies = input.accessPolicies
    if (input.expiresAt === null) delete file.expiresAt
    else if (input.expiresAt !== undefined) file.expiresAt = input.expiresAt
    file.updatedAt = now()
    return { file: view(ctx, file) }
  })

  app.delete<IdParams>('/v1/files/:id', async (req) => {
    const { bot } = botOf(req, ctx)
    bot.removeFile(findFile(bot, req.params.id).id)
    return {}
  })

  app.get('/v1/files', async (req) => {
    const { bot } = botOf(req, ctx)
    const query = req.query as Record<string, unknown>
    const wanted = tagQuery(query)
    const ids = queryList(query.ids)
    const list = [...bot.files.values()].filter(
      (f) => hasTags(f.tags, wanted) && (ids.length === 0 || ids.includes(f.id))
    )
    const { page, meta } = paginate(sorted(list, query), query.nextToken, ctx.options.pageSize)
    return { files: page.map((f) => view(ctx, f)), meta }
  })

  // The storage side (what S3 is for the real API): raw bytes in, raw bytes out. Any content type is accepted.
  app.register(async (storage) => {
    storage.removeAllContentTypeParsers()
    storage.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) =>
      done(null, body)
    )

    storage.put<ContentParams>('/_files/:botId/:id/upload', { bodyLimit: MAX_UPLOAD_BYTES }, async (req, reply) => {
      const bot = ctx.store.bots.get(req.params.botId)
      const file = bot?.files.get(req.params.id)
      if (!bot || !file || req.query.token !== file.uploadToken)
        return storageError(reply, 403, 'AccessDenied', 'Invalid or expired upload URL')
      const flags = processing.get(file) ?? { immediate: false }
      // Like S3 with the tagging the upload URL was signed for: the header must come with the PUT.
      if (flags.immediate && req.headers['x-amz-tagging'] !== 'public=true')
        return storageError(
          reply,
          403,
          'AccessDenied',
          'publicContentImmediatelyAccessible was set: the upload must carry "x-amz-tagging: public=true"'
        )
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
      if (file.size !== null && file.size !== content.length) {
        file.status = 'upload_failed'
        return storageError(
          reply,
          400,
          'BadDigest',
          `Declared size ${file.size} bytes (upsertFile) but ${content.length} bytes were uploaded`
        )
      }
      file.content = content
      file.size = content.length
      file.status = 'upload_completed'
      file.updatedAt = now()
      processing.set(file, {
        immediate: flags.immediate,
        processedAt: Date.now() + (flags.immediate ? 0 : settingsOf(ctx).publicFileProcessingMs),
      })
      ctx.emitter.emit('file.uploaded', { botId: bot.botId, file: view(ctx, file) })
      return reply.code(200).send()
    })

    storage.get<ContentParams>('/_files/:botId/:id/:key', async (req, reply) => {
      const file = ctx.store.bots.get(req.params.botId)?.files.get(req.params.id)
      if (!file || file.content === undefined)
        return storageError(reply, 404, 'NoSuchKey', 'The file does not exist or was not uploaded yet')
      const withToken = req.query.token === file.readToken
      if (!isPublic(file) && !withToken)
        return storageError(reply, 403, 'AccessDenied', 'This file is not public: use the url returned by the API')
      const processedAt = processing.get(file)?.processedAt ?? 0
      if (!withToken && Date.now() < processedAt)
        return storageError(
          reply,
          404,
          'NoSuchKey',
          'Not processed yet: a public file is served once processed, unless uploaded with publicContentImmediatelyAccessible'
        )
      return reply
        .header('content-type', file.contentType)
        .header('content-length', file.content.length)
        .send(file.content)
    })
  })
}

/** Storage errors look like S3's (plain XML), not like API errors. */
function storageError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`)
}
