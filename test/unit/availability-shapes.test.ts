import { describe, expect, it } from 'vitest'
import { businessHoursNow } from '../../src/availability/business-hours'
import { departmentIdsOf, operatorStatus, readAvailability } from '../../src/availability/read-availability'

/** The undocumented shapes getAvailability reads (issue #17): business hours, operator status, department lists. */

// Wednesday 2026-12-02 14:30 UTC = 09:30 in New York.
const now = new Date('2026-12-02T14:30:00Z')

describe('business hours', () => {
  it('absent, false or disabled: none; a bare true: unknown', () => {
    for (const v of [undefined, null, false, 'false', { enabled: false }, { enabled: 'false', status: 'open' }, {}])
      expect(businessHoursNow(v, now)).toBe('none')
    expect(businessHoursNow(true, now)).toBe('unknown')
    expect(businessHoursNow({ enabled: true }, now)).toBe('unknown')
  })

  it('an explicit flag or status word', () => {
    expect(businessHoursNow({ enabled: true, status: 'closed' }, now)).toBe('closed')
    expect(businessHoursNow({ enabled: true, status: 'Open' }, now)).toBe('open')
    expect(businessHoursNow({ enabled: 'true', is_open: 'false' }, now)).toBe('closed')
    expect(businessHoursNow({ within_business_hours: true }, now)).toBe('open')
    expect(businessHoursNow({ enabled: true, status: 'whatever' }, now)).toBe('unknown')
  })

  it('a weekly schedule in its time zone', () => {
    const nineToFive = (day: string) => ({ day, from: '09:00', to: '17:00' })
    const week = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map(nineToFive)
    expect(businessHoursNow({ enabled: true, timezone: 'America/New_York', timings: week }, now)).toBe('open')
    expect(businessHoursNow({ enabled: true, timezone: 'Asia/Tokyo', timings: week }, now)).toBe('closed') // 23:30
    expect(
      businessHoursNow({ enabled: true, time_zone: 'UTC', schedule: { wed: [{ start: '14:00', end: '15:00' }] } }, now)
    ).toBe('open')
    expect(businessHoursNow({ enabled: true, timezone: 'UTC', days: { wednesday: '15:00-16:00' } }, now)).toBe('closed')
    // Over midnight, and days as numbers (0 = Sunday).
    expect(businessHoursNow({ timezone: 'UTC', timings: [{ day: 3, from: '14:00', to: '02:00' }] }, now)).toBe('open')
  })

  it('a schedule it cannot place in time is unknown, never a guess', () => {
    expect(businessHoursNow({ enabled: true, timings: [{ day: 'wednesday', from: '00:00', to: '24:00' }] }, now)).toBe(
      'unknown'
    )
    expect(businessHoursNow({ enabled: true, timezone: 'Mars/Olympus', timings: [] }, now)).toBe('unknown')
    expect(businessHoursNow({ enabled: true, timezone: 'UTC', timings: [{ day: 'someday' }] }, now)).toBe('unknown')
  })
})

describe('operators', () => {
  it('"1" available, "3" busy, any other code offline; the status text when there is no code', () => {
    expect(operatorStatus({ status_code: '1' })).toBe('available')
    expect(operatorStatus({ status_code: 1 })).toBe('available')
    expect(operatorStatus({ status_code: '3' })).toBe('busy')
    for (const code of ['0', '2', '4', -1]) expect(operatorStatus({ status_code: code })).toBe('offline')
    expect(operatorStatus({ status_message: 'Available' })).toBe('available')
    expect(operatorStatus({ status_message: 'Busy' })).toBe('busy')
    expect(operatorStatus({})).toBe('offline')
  })

  it('a disabled operator, or one whose chat is off, is not available', () => {
    expect(operatorStatus({ status_code: '1', is_enabled: 'false' })).toBe('offline')
    expect(operatorStatus({ status_code: '1', is_chat_enabled: false })).toBe('offline')
  })

  it('department lists in each shape', () => {
    expect(departmentIdsOf([{ '7': 'Support' }, { '8': 'Sales' }])).toEqual(['7', '8'])
    expect(departmentIdsOf([{ id: 7, name: 'Support' }])).toEqual(['7'])
    expect(departmentIdsOf(['7', 8])).toEqual(['7', '8'])
    expect(departmentIdsOf(undefined)).toBeUndefined()
  })
})

describe('readAvailability', () => {
  const facts = (over: Record<string, unknown> = {}) => ({
    app: { enabled: 'true', departments: [{ d1: 'Support' }], waiting_time: '60', business_hours: false },
    operators: [{ status_code: '1', departments: ['d1'] }],
    waiting: [],
    departmentId: 'd1',
    now,
    ...over,
  })

  it('string numbers and flags, as the app sample has them', () => {
    expect(readAvailability(facts())).toMatchObject({ canChat: true, waitingTimeSeconds: 60, operatorsAvailable: 1 })
  })

  it('operators that list no departments all count', () => {
    expect(readAvailability(facts({ operators: [{ status_code: '1' }, { status_code: '1' }] }))).toMatchObject({
      operatorsAvailable: 2,
    })
  })

  it('a queue with string fields; an unknown waiting count never makes it full', () => {
    const app = { departments: [{ d1: 'S' }], chat_waiting_queue: { enabled: 'true', size: '1' } }
    expect(readAvailability(facts({ app, waiting: [{ department: { id: 'd1' } }] }))).toMatchObject({
      reason: 'queue-full',
      queue: { enabled: true, size: 1, waiting: 1, full: true },
    })
    expect(readAvailability(facts({ app, waiting: undefined })).queue).toEqual({ enabled: true, size: 1, full: false })
  })
})
