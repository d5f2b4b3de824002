import type * as bp from '.botpress'
import { shapeOf } from '../zoho/webhook-payload'

export const UNREADABLE_NOTICE = '📎 The agent sent something that cannot be shown here.'

/** Shapes already logged by this instance: a user sees each unknown shape once, not once per message. */
const loggedShapes = new Set<string>()

/**
 * An operator message with neither a text nor a file we can read: a shape of SalesIQ's we have never seen (no real
 * file message was ever captured, A8). Its shape — keys and value types, never values — is logged once per shape,
 * at warn level, so a user with a real account can report it.
 */
export function logUnreadableShape(props: bp.CommonHandlerProps, chatId: string, message: unknown): void {
  const shape = shapeOf(message)
  if (loggedShapes.has(shape)) return
  if (loggedShapes.size > 1000) loggedShapes.clear()
  loggedShapes.add(shape)
  props.logger
    .forBot()
    .warn(
      `An operator message of SalesIQ chat ${chatId} has no text or file this integration can read; the user was ` +
        `told the agent sent something that cannot be shown. Please report this shape (keys and types only): ${shape}`
    )
}
