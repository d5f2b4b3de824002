import type { EmulatorContext } from './context'
import { dispatch } from './deliveries'
import { siq } from './errors'
import type { Conversation } from './model'
import { requireOperator } from './chat'
import { operatorName } from './seed'

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
    const pick = pickTarget(ctx, c)
    resolveTransfer(ctx, c, 'target' in pick, 'target' in pick ? pick.target : undefined, pick.reason)
  })
}

/** Who takes the chat, or why nobody does (the console shows the reason; SalesIQ's own says "not available"). */
function pickTarget(ctx: EmulatorContext, c: Conversation): { target: string; reason?: never } | { reason: string } {
  const p = c.pendingTransfer
  if (p?.toOperatorId) {
    const op = ctx.store.operators.get(p.toOperatorId)
    if (op?.status === 'available') return { target: op.id }
    return { reason: op ? `${operatorName(op)} is ${op.status}` : `operator ${p.toOperatorId} is gone` }
  }
  const other = [...ctx.store.operators.values()].find((o) => o.status === 'available' && o.id !== c.attenderId)
  return other ? { target: other.id } : { reason: 'no other operator is available' }
}

/** Settles the pending transfer; a refusal keeps its reason in `lastTransfer` (control view `last_transfer`). */
export function resolveTransfer(
  ctx: EmulatorContext,
  c: Conversation,
  accept: boolean,
  operatorId?: string,
  reason?: string
): void {
  const p = c.pendingTransfer
  if (!p) throw siq.param('transfer', `is not pending on conversation ${c.id}`)
  const to = operatorId ?? p.toOperatorId
  c.pendingTransfer = undefined
  c.lastModified = Date.now()
  if (!accept || !to) {
    const why = reason ?? (to ? 'the operator declined' : 'no operator was named')
    c.lastTransfer = {
      toOperatorId: to,
      toDepartmentId: p.toDepartmentId,
      outcome: 'rejected',
      reason: why,
      at: Date.now(),
    }
    ctx.changed('transfer.rejected', c.id, { operatorId: to, reason: why })
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
  c.lastTransfer = { toOperatorId: to, toDepartmentId: p.toDepartmentId, outcome: 'accepted', at: Date.now() }
  ctx.changed('transfer.accepted', c.id, { operatorId: to })
  dispatch(ctx, 'conversation.transfer.accepted', c, { transfer: { ...p, toOperatorId: to } })
  dispatch(ctx, 'conversation.attender.updated', c)
}
