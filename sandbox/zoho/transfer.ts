import type { EmulatorContext } from './context'
import { dispatch } from './deliveries'
import { siq } from './errors'
import type { Conversation } from './model'
import { requireOperator } from './chat'

/**
 * Transfers: `transfer.initiated` at once; then the target accepts (`transfer.accepted` + `attender.updated`)
 * or rejects (`transfer.rejected`). `resolveAfterMs` settles it automatically (accepted when the target operator is
 * available); null leaves it pending for `/_emulator/conversations/{id}/transfer/accept|reject`.
 */
export function initiateTransfer(
  ctx: EmulatorContext,
  c: Conversation,
  t: { toDepartmentId: string; toOperatorId?: string; note?: string; byOperatorId?: string },
  resolveAfterMs: number | null
): void {
  if (!ctx.store.departments.has(t.toDepartmentId)) throw siq.department(t.toDepartmentId, 'does not exist')
  if (t.toOperatorId) requireOperator(ctx, t.toOperatorId)
  if (c.state !== 'connected' && c.state !== 'waiting')
    throw siq.ended(c.id, c.state, ctx.settings.endedChatErrorCode, ctx.settings.endedChatErrorMessage)
  c.transferAttempts++
  c.pendingTransfer = { ...t, byOperatorId: t.byOperatorId ?? c.attenderId }
  c.lastModified = Date.now()
  ctx.changed('transfer.initiated', c.id, { ...t })
  dispatch(ctx, 'conversation.transfer.initiated', c, { transfer: c.pendingTransfer })
  if (resolveAfterMs === null) return
  ctx.timers.after(resolveAfterMs, () => {
    if (!c.pendingTransfer || ctx.store.conversations.get(c.id) !== c) return
    const target = pickTarget(ctx, c)
    resolveTransfer(ctx, c, !!target, target)
  })
}

function pickTarget(ctx: EmulatorContext, c: Conversation): string | undefined {
  const p = c.pendingTransfer
  if (!p) return undefined
  if (p.toOperatorId)
    return ctx.store.operators.get(p.toOperatorId)?.status === 'available' ? p.toOperatorId : undefined
  return [...ctx.store.operators.values()].find((o) => o.status === 'available' && o.id !== c.attenderId)?.id
}

export function resolveTransfer(ctx: EmulatorContext, c: Conversation, accept: boolean, operatorId?: string): void {
  const p = c.pendingTransfer
  if (!p) throw siq.param('transfer', `is not pending on conversation ${c.id}`)
  const to = operatorId ?? p.toOperatorId
  c.pendingTransfer = undefined
  c.lastModified = Date.now()
  if (!accept || !to) {
    ctx.changed('transfer.rejected', c.id, { operatorId: to })
    dispatch(ctx, 'conversation.transfer.rejected', c, { transfer: { ...p, toOperatorId: to } })
    return
  }
  requireOperator(ctx, to)
  c.attenderId = to
  c.departmentId = p.toDepartmentId
  if (!c.participants.includes(to)) c.participants.push(to)
  if (c.state === 'waiting') {
    c.state = 'connected'
    c.attendedTime = Date.now()
  }
  ctx.changed('transfer.accepted', c.id, { operatorId: to })
  dispatch(ctx, 'conversation.transfer.accepted', c, { transfer: { ...p, toOperatorId: to } })
  dispatch(ctx, 'conversation.attender.updated', c)
}
