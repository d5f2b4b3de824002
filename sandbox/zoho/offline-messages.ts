import type { OpenInput } from './chat'
import type { EmulatorContext } from './context'
import type { Conversation, OfflineMessage } from './model'

/** What `leavemessage` stores, as the operator console lists it (`GET /_emulator/offline-messages`). */
export function recordOfflineMessage(ctx: EmulatorContext, c: Conversation, input: OpenInput, method: string): void {
  const entry: OfflineMessage = {
    id: c.id,
    appId: input.appId,
    departmentId: input.departmentId,
    message: input.question,
    visitor: {
      userId: input.visitor.userId,
      ...(input.visitor.name ? { name: input.visitor.name } : {}),
      ...(input.visitor.email ? { email: input.visitor.email } : {}),
      ...(input.visitor.phone ? { phone: input.visitor.phone } : {}),
    },
    method: method.toUpperCase(),
    createdAt: Date.now(),
  }
  // openConversation already announced it ('message.left').
  ctx.store.offlineMessages.push(entry)
}

/** The console's view: newest first, with the department's name. */
export function offlineMessagesView(ctx: EmulatorContext) {
  return [...ctx.store.offlineMessages].reverse().map((m) => ({
    ...m,
    departmentName: ctx.store.departments.get(m.departmentId)?.name ?? '',
    createdAt: new Date(m.createdAt).toISOString(),
  }))
}
