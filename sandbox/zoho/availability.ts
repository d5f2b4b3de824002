import type { App, Operator } from './model'
import type { ZohoEmulatorSettings } from './settings'

/**
 * The undocumented parts of availability, each as the settings choose (reference §4: `business_hours`,
 * `chat_waiting_queue`; operators' offline `status_code`).
 */

export type AvailabilityShapes = Pick<ZohoEmulatorSettings, 'businessHoursShape' | 'offlineStatusCode'>
type Shapes = AvailabilityShapes
export const DEFAULT_SHAPES: AvailabilityShapes = { businessHoursShape: 'status', offlineStatusCode: '0' }

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

/**
 * A weekly schedule (UTC) that contains `now` when open — all day, every day — and misses it when closed: one short
 * window a few hours away, every day.
 */
function schedule(open: boolean, now: Date) {
  if (open) return DAYS.map((day) => ({ day, from: '00:00', to: '24:00' }))
  const from = (((now.getUTCHours() + 3) % 24) * 60) % (24 * 60)
  return DAYS.map((day) => ({ day, from: hhmm(from), to: hhmm(Math.min(from + 60, 24 * 60)) }))
}

export function businessHoursView(a: App, settings: Shapes, now = new Date()) {
  const enabled = a.businessHours !== 'off'
  const open = a.businessHours !== 'closed'
  switch (settings.businessHoursShape) {
    case 'boolean':
      return enabled
    case 'schedule':
      return enabled ? { enabled: true, timezone: 'UTC', timings: schedule(open, now) } : { enabled: false }
    default:
      return enabled ? { enabled: true, status: open ? 'open' : 'closed' } : { enabled: false }
  }
}

export function waitingQueueView(a: App) {
  return { enabled: a.waitingQueue.enabled, size: a.waitingQueue.size }
}

const STATUS_MESSAGE = { available: 'Available', busy: 'Busy', offline: 'Offline' } as const

/** `status_code`: "1" available, "3" busy (documented); offline as the settings say (none at all when null). */
export function operatorStatusView(o: Operator, settings: Shapes) {
  const code = o.status === 'available' ? '1' : o.status === 'busy' ? '3' : settings.offlineStatusCode
  return { ...(code === null ? {} : { status_code: code }), status_message: STATUS_MESSAGE[o.status] }
}
