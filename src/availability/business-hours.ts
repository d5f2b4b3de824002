/**
 * Whether now is inside the app's business hours. SalesIQ documents only a true/false `business_hours` on app
 * create/update; what GET returns is an inference, so every shape seen or plausible is read: a bare boolean (on/off
 * only), an object with an explicit open/closed flag or status, or a weekly schedule with a time zone. What cannot be
 * read is `unknown`, never a guess.
 */
export type BusinessHours = 'none' | 'open' | 'closed' | 'unknown'

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

const flag = (v: unknown): boolean | undefined => {
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string' && /^(true|false|1|0|yes|no)$/i.test(v.trim())) return /^(true|1|yes)$/i.test(v.trim())
  return undefined
}

const OPEN_WORDS = /^(open|opened|online|available|within|inside|working)$/i
const CLOSED_WORDS = /^(closed|close|offline|unavailable|outside|off[_ -]?hours)$/i

export function businessHoursNow(value: unknown, now = new Date()): BusinessHours {
  if (value === undefined || value === null || value === '') return 'none'
  const bare = flag(value)
  if (bare !== undefined) return bare ? 'unknown' : 'none'
  if (typeof value !== 'object' || Array.isArray(value)) return 'unknown'
  const o = value as Record<string, unknown>
  const enabled = flag(o.enabled ?? o.is_enabled ?? o.status_enabled)
  if (enabled === false) return 'none'

  for (const key of ['is_open', 'open', 'within_business_hours', 'is_within_business_hours', 'is_available']) {
    const f = flag(o[key])
    if (f !== undefined) return f ? 'open' : 'closed'
  }
  for (const key of ['status', 'current_status', 'state']) {
    const word = typeof o[key] === 'string' ? (o[key] as string).trim() : ''
    if (OPEN_WORDS.test(word)) return 'open'
    if (CLOSED_WORDS.test(word)) return 'closed'
  }
  const schedule = o.timings ?? o.schedule ?? o.days ?? o.hours ?? o.working_hours
  const zone = [o.timezone, o.time_zone, o.tz].find((z) => typeof z === 'string' && z.trim()) as string | undefined
  if (schedule !== undefined) {
    const inside = scheduleContains(schedule, zone, now)
    if (inside !== undefined) return inside ? 'open' : 'closed'
  }
  return enabled === true || Object.keys(o).length > 0 ? 'unknown' : 'none'
}

type Interval = { day: number; from: number; to: number }

/** true / false when the schedule and the time zone could be read; undefined otherwise. */
function scheduleContains(schedule: unknown, zone: string | undefined, now: Date): boolean | undefined {
  if (!zone) return undefined
  const local = localTime(now, zone)
  if (!local) return undefined
  const intervals = readIntervals(schedule)
  if (!intervals.length) return undefined
  return intervals.some(
    (i) =>
      i.day === local.day &&
      (i.from < i.to
        ? local.minutes >= i.from && local.minutes < i.to
        : local.minutes >= i.from || local.minutes < i.to)
  )
}

function localTime(now: Date, zone: string): { day: number; minutes: number } | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now)
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
    const day = DAYS.indexOf(get('weekday').toLowerCase())
    const minutes = Number(get('hour')) * 60 + Number(get('minute'))
    return day >= 0 && Number.isFinite(minutes) ? { day, minutes } : undefined
  } catch {
    return undefined // an unknown time zone
  }
}

function dayOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 7) return v % 7
  if (typeof v !== 'string') return undefined
  const s = v.trim().toLowerCase()
  if (/^\d$/.test(s)) return dayOf(Number(s))
  const i = DAYS.findIndex((d) => s.length >= 3 && d.startsWith(s))
  return i >= 0 ? i : undefined
}

function minutesOf(v: unknown): number | undefined {
  const m = typeof v === 'string' ? /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(v.trim()) : null
  if (!m) return undefined
  const minutes = Number(m[1]) * 60 + Number(m[2])
  return minutes <= 24 * 60 ? minutes : undefined
}

/** `[{day, from, to}]`, `{monday: [{from, to}] | {from, to} | "09:00-17:00"}`, with the usual key spellings. */
function readIntervals(schedule: unknown): Interval[] {
  const out: Interval[] = []
  const add = (day: number | undefined, range: unknown) => {
    if (day === undefined) return
    if (Array.isArray(range)) return range.forEach((r) => add(day, r))
    if (typeof range === 'string') {
      const [from, to] = range.split('-').map((t) => minutesOf(t))
      if (from !== undefined && to !== undefined) out.push({ day, from, to })
      return
    }
    if (!range || typeof range !== 'object') return
    const r = range as Record<string, unknown>
    const from = minutesOf(r.from ?? r.start ?? r.start_time ?? r.open ?? r.opens)
    const to = minutesOf(r.to ?? r.end ?? r.end_time ?? r.close ?? r.closes)
    if (from !== undefined && to !== undefined) out.push({ day, from, to })
  }
  if (Array.isArray(schedule)) {
    for (const entry of schedule) {
      if (!entry || typeof entry !== 'object') continue
      const e = entry as Record<string, unknown>
      add(dayOf(e.day ?? e.weekday ?? e.day_of_week ?? e.name), e.timings ?? e.hours ?? e)
    }
  } else if (schedule && typeof schedule === 'object') {
    for (const [day, range] of Object.entries(schedule)) add(dayOf(day), range)
  }
  return out
}
