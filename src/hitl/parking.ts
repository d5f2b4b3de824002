import { isApiError } from '@botpress/sdk'
import type * as bp from '.botpress'
import { readIntegrationState } from '../state/read-state'
import type { Assignment } from './assignment'

/**
 * SalesIQ may assign a chat (~100 ms) before startHitl has stored the mapping. Such an `attender.updated` is parked
 * here, keyed by the SalesIQ chat id, and picked up by startHitl. Entries of chats we never map (other bots, other
 * channels of the same SalesIQ app) are pruned after PARK_TTL_MS: nothing else is ever created for them.
 */
export const PARK_TTL_MS = 120_000

type Parked = { operatorId: string; operatorName: string; operatorEmail?: string; eventTime: number; parkedAt: number }
type ParkedMap = Record<string, Parked | null>

// The state's schema is an object with a catch-all; its generated type loses the index signature.
const readParked = async (props: bp.CommonHandlerProps) =>
  ((await readIntegrationState(props, 'parkedAssignments')) ?? {}) as ParkedMap

export async function parkAssignment(props: bp.CommonHandlerProps, chatId: string, assignment: Assignment) {
  const now = Date.now()
  const current = await readParked(props)
  const existing = current[chatId]
  if (existing && existing.eventTime > assignment.eventTime) return // a newer one is already parked
  const patch: Record<string, Parked | null> = {
    [chatId]: {
      operatorId: assignment.operator.id,
      operatorName: assignment.operator.name ?? '',
      operatorEmail: assignment.operator.email,
      eventTime: assignment.eventTime,
      parkedAt: now,
    },
  }
  for (const [id, entry] of Object.entries(current)) if (entry && now - entry.parkedAt > PARK_TTL_MS) patch[id] = null
  const ref = { type: 'integration', id: props.ctx.integrationId, name: 'parkedAssignments' } as const
  try {
    await props.client.patchState({ ...ref, payload: patch })
  } catch (err) {
    if (!(isApiError(err) && err.type === 'ResourceNotFound')) throw err
    const { state } = await props.client.getOrSetState({ ...ref, payload: patch })
    if ((state.payload as ParkedMap)[chatId]?.parkedAt !== now)
      await props.client.patchState({ ...ref, payload: patch })
  }
}

/** Takes (reads and clears) the parked assignment of a chat that has just been mapped. */
export async function takeParkedAssignment(
  props: bp.CommonHandlerProps,
  chatId: string
): Promise<Assignment | undefined> {
  const entry = (await readParked(props))[chatId]
  if (!entry) return undefined
  await props.client
    .patchState({
      type: 'integration',
      id: props.ctx.integrationId,
      name: 'parkedAssignments',
      payload: { [chatId]: null },
    })
    .catch(() => undefined) // the entry expires anyway; the assignment claim keeps it from firing twice
  if (Date.now() - entry.parkedAt > PARK_TTL_MS) return undefined
  return {
    operator: { id: entry.operatorId, name: entry.operatorName || undefined, email: entry.operatorEmail },
    eventTime: entry.eventTime,
  }
}
