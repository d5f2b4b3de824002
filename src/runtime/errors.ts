import { RuntimeError } from '@botpress/sdk'
import { isZohoError } from '../zoho/errors'

/**
 * What a bot builder sees: Zoho errors already say what failed and how to fix it, so they become RuntimeErrors
 * (shown as is by Botpress); anything else keeps a generic message and its cause stays in the logs.
 */
export function toRuntimeError(err: unknown, doing: string): RuntimeError {
  if (err instanceof RuntimeError) return err
  if (isZohoError(err)) return new RuntimeError(err.message)
  const message = err instanceof Error ? err.message : String(err)
  return new RuntimeError(`Unexpected error while ${doing}: ${message}`)
}

export async function asRuntimeErrors<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    throw toRuntimeError(err, doing)
  }
}
