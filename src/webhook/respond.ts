import type { Response } from '@botpress/sdk'

/** The few answers the webhook gives. SalesIQ only looks at the status (≥ 300 = failure, redelivered later). */
export const ok = (): Response => ({ status: 200, body: '{}', headers: { 'content-type': 'application/json' } })

export const fail = (status: number, message: string): Response => ({
  status,
  body: JSON.stringify({ error: message }),
  headers: { 'content-type': 'application/json' },
})

export const redirect = (location: string): Response => ({
  status: 302,
  headers: { location, 'cache-control': 'no-store' },
  body: '',
})
