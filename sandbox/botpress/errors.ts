import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { ZodError, ZodType } from 'zod'

// Every error type of @botpress/client 1.35.0 and the status each one carries. The client rebuilds its error
// class from the body's `type` (errorFrom), so the body must carry id, code, type and message.
export const ERROR_STATUS = {
  Unknown: 500,
  Internal: 500,
  Unauthorized: 401,
  Forbidden: 403,
  PayloadTooLarge: 413,
  InvalidPayload: 400,
  UnsupportedMediaType: 415,
  MethodNotFound: 405,
  ResourceNotFound: 404,
  AlreadyExists: 409, // before the other 409s: the type an injected 409 fault gets
  InvalidJsonSchema: 400,
  InvalidDataFormat: 400,
  InvalidIdentifier: 400,
  RelationConflict: 409,
  ReferenceConstraint: 409,
  ResourceLockedConflict: 409,
  ResourceGone: 410,
  ReferenceNotFound: 400,
  InvalidQuery: 400,
  // Also what a bot or integration answers when its handler throws a RuntimeError (passed on by callAction).
  Runtime: 400,
  RateLimited: 429,
  PaymentRequired: 402,
  QuotaExceeded: 403,
  LimitExceeded: 413,
  BreakingChanges: 400,
  OperationTimeout: 504,
} as const
export type ErrorType = keyof typeof ERROR_STATUS

export class ApiError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    readonly status: number = ERROR_STATUS[type]
  ) {
    super(message)
  }
}

/** Same layout as the client's BaseApiError.generateId: err_<yyyymmddhhmmss>x<8 hex>. */
export const errorId = (): string =>
  `err_${
    new Date()
      .toISOString()
      .replace(/[-:TZ]/g, '')
      .split('.')[0]
  }x${randomBytes(4).toString('hex').toUpperCase()}`

export const errorBody = (type: string, message: string, code: number) => ({ id: errorId(), code, type, message })

/** Botpress error type for an HTTP status, for fault bodies that do not bring their own. */
export const typeForStatus = (status: number): string =>
  (Object.entries(ERROR_STATUS).find(([t, s]) => s === status && t !== 'Unknown')?.[0] as string) ??
  (status >= 500 ? 'Internal' : 'Unknown')

export const notFound = (what: string, id: string): ApiError =>
  new ApiError('ResourceNotFound', `${what} "${id}" doesn't exist (Botpress emulator)`)

export const invalid = (message: string): ApiError => new ApiError('InvalidPayload', message)

const describeZod = (err: ZodError): string =>
  err.issues.map((i) => `"${i.path.join('.') || '(root)'}": ${i.message}`).join('; ')

/** Parse with zod; a failure becomes InvalidPayload naming each failing field. */
export function validate<T>(schema: ZodType<T>, value: unknown, operation: string): T {
  const result = schema.safeParse(value ?? {})
  if (!result.success) throw invalid(`Invalid input for ${operation}: ${describeZod(result.error)}`)
  return result.data
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: unknown, _req, reply) => {
    if (thrown instanceof ApiError)
      return reply.code(thrown.status).send(errorBody(thrown.type, thrown.message, thrown.status))
    const err = (thrown instanceof Error ? thrown : new Error(String(thrown))) as Error & { statusCode?: unknown }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500
    if (status === 413) return reply.code(413).send(errorBody('PayloadTooLarge', err.message, 413))
    if (status === 415) return reply.code(415).send(errorBody('UnsupportedMediaType', err.message, 415))
    if (status < 500) return reply.code(400).send(errorBody('InvalidPayload', err.message, 400))
    return reply.code(500).send(errorBody('Internal', `Botpress emulator bug: ${err.stack ?? err.message}`, 500))
  })
  // Loud on purpose: a call the emulator does not implement must not pass for a missing resource.
  app.setNotFoundHandler((req, reply) => {
    const message = `No such route in the Botpress emulator: ${req.method} ${req.url.split('?')[0]} (see sandbox/botpress/README.md for the routes it serves)`
    process.stderr.write(`[botpress-emulator] ${message}\n`)
    return reply.code(405).send(errorBody('MethodNotFound', message, 405))
  })
}
