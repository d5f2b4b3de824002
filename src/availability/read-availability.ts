import type { Availability, AvailabilityReason } from '../definitions/availability'
import { businessHoursNow } from './business-hours'

/**
 * Availability from what SalesIQ answered: the app (`enabled`, `departments`, `waiting_time`, `business_hours`,
 * `chat_waiting_queue`), the portal's operators and the department's waiting chats. Pure, so every shape can be
 * tested. Ids and flags come as strings or numbers alike.
 */
export type SalesIQFacts = {
  app: Record<string, unknown>
  operators: Array<Record<string, unknown>>
  /** undefined when SalesIQ would not list the waiting chats. */
  waiting?: Array<Record<string, unknown>>
  departmentId: string
  configuredWaitSeconds?: number
  now: Date
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : undefined)
const isFalse = (v: unknown) => v === false || v === 0 || (typeof v === 'string' && /^(false|0|no)$/i.test(v.trim()))
const num = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN
  return Number.isFinite(n) ? n : undefined
}

/** `departments` as `[{"<id>": "<name>"}]` (documented), `[{id, name}]` or `["<id>"]`; undefined when absent. */
export function departmentIdsOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.flatMap((d) => {
    const plain = str(d)
    if (plain) return [plain]
    if (!d || typeof d !== 'object') return []
    const o = d as Record<string, unknown>
    const id = str(o.id ?? o.department_id)
    return id ? [id] : Object.keys(o)
  })
}

/**
 * "1" is Available and "3" Busy (documented); the offline code is not, so anything else is offline. Without a
 * `status_code`, the status text decides. A disabled operator, or one whose chat is off, is never available.
 */
export function operatorStatus(o: Record<string, unknown>): 'available' | 'busy' | 'offline' {
  if (isFalse(o.is_enabled) || isFalse(o.is_chat_enabled) || isFalse(o.chat_enabled)) return 'offline'
  const code = str(o.status_code)
  if (code) return code === '1' ? 'available' : code === '3' ? 'busy' : 'offline'
  const text = str(o.status_message ?? o.status) ?? ''
  if (/^(available|online)$/i.test(text)) return 'available'
  if (/^busy$/i.test(text)) return 'busy'
  return 'offline'
}

export function readAvailability(facts: SalesIQFacts): Availability {
  const { app, departmentId } = facts
  const appDepartments = departmentIdsOf(app.departments)
  const inApp = !appDepartments || appDepartments.includes(departmentId)

  // Operators list their departments; if none of them does, the portal's operators are all counted.
  const listsDepartments = facts.operators.some((o) => Array.isArray(o.departments))
  const members = listsDepartments
    ? facts.operators.filter((o) => departmentIdsOf(o.departments)?.includes(departmentId))
    : facts.operators
  const statuses = inApp ? members.map(operatorStatus) : []
  const operatorsAvailable = statuses.filter((s) => s === 'available').length
  const operatorsBusy = statuses.filter((s) => s === 'busy').length

  const businessHours = businessHoursNow(app.business_hours, facts.now)
  const q = (app.chat_waiting_queue ?? {}) as Record<string, unknown>
  const queueEnabled = !!q && typeof q === 'object' && q.enabled !== undefined && !isFalse(q.enabled)
  const size = num(q.size ?? q.max_size ?? q.limit)
  const waiting = facts.waiting?.filter((c) => {
    const dept = str(c.department_id ?? (c.department as Record<string, unknown> | undefined)?.id)
    return !dept || dept === departmentId
  }).length
  const full = queueEnabled && size !== undefined && size > 0 && waiting !== undefined && waiting >= size

  const reason: AvailabilityReason = isFalse(app.enabled)
    ? 'app-disabled'
    : !inApp
      ? 'department-not-in-app'
      : businessHours === 'closed'
        ? 'outside-business-hours'
        : operatorsAvailable === 0
          ? 'no-operator-online'
          : full
            ? 'queue-full'
            : 'operators-available'

  return {
    canChat: reason === 'operators-available',
    reason,
    departmentId,
    operatorsAvailable,
    operatorsBusy,
    withinBusinessHours: businessHours !== 'closed',
    businessHours,
    ...((facts.configuredWaitSeconds ?? num(app.waiting_time)) !== undefined
      ? { waitingTimeSeconds: facts.configuredWaitSeconds ?? num(app.waiting_time) }
      : {}),
    queue: {
      enabled: queueEnabled,
      ...(size !== undefined ? { size } : {}),
      ...(waiting !== undefined ? { waiting } : {}),
      full,
    },
    checkedAt: facts.now.toISOString(),
  }
}
