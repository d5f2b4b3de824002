import { describe, expect, it } from 'vitest'
import { realEmail } from '../../src/hitl/email'
import { fileName } from '../../src/hitl/fetch-file'
import { expiresInMs } from '../../src/zoho/oauth'
import { hostsFor, REGION_HOSTS, trustedAccountsServer } from '../../src/zoho/regions'
import { backoffMs, parseRetryAfter, shouldRetry } from '../../src/zoho/retry-policy'

describe('emails', () => {
  it("treats the HITL plugin's invented address as no email and lower-cases real ones", () => {
    expect(realEmail('u_123@no-reply.bot-9.botpress.com')).toBeUndefined()
    expect(realEmail('Alice@Example.COM')).toBe('alice@example.com')
    expect(realEmail('not an email')).toBeUndefined()
    expect(realEmail(undefined)).toBeUndefined()
  })
})

describe('regions', () => {
  it('has the 8 data centers, Canada on zohocloud.ca', () => {
    expect(Object.keys(REGION_HOSTS).sort()).toEqual(['au', 'ca', 'cn', 'eu', 'in', 'jp', 'sa', 'us'])
    expect(REGION_HOSTS.ca.accounts).toBe('https://accounts.zohocloud.ca')
  })
  it('honours the overrides at call time', () => {
    process.env.ZOHO_SALESIQ_URL = 'http://127.0.0.1:1/'
    expect(hostsFor('eu').salesiq).toBe('http://127.0.0.1:1')
    delete process.env.ZOHO_SALESIQ_URL
    expect(hostsFor('eu').salesiq).toBe('https://salesiq.zoho.eu')
  })
  it('trusts only real accounts servers', () => {
    expect(trustedAccountsServer('https://accounts.zoho.eu')?.region).toBe('eu')
    expect(trustedAccountsServer('https://accounts.zoho.eu.evil.test')).toBeUndefined()
    expect(trustedAccountsServer('https://user:pw@accounts.zoho.com')).toBeUndefined()
    expect(trustedAccountsServer('https://accounts.zoho.ca')).toBeUndefined()
    expect(trustedAccountsServer('javascript:alert(1)')).toBeUndefined()
  })
})

describe('token lifetimes', () => {
  it('reads both documented shapes', () => {
    expect(expiresInMs({ expires_in: 3600 })).toBe(3_600_000)
    expect(expiresInMs({ expires_in_sec: 3600, expires_in: 3_600_000 })).toBe(3_600_000)
    expect(expiresInMs({ expires_in: 3_600_000 })).toBe(3_600_000)
  })
})

describe('retry policy', () => {
  it('retries only what cannot duplicate, a bounded number of times', () => {
    expect(shouldRetry({ type: 'status', status: 503 }, 0, false)).toBe(true)
    expect(shouldRetry({ type: 'status', status: 429 }, 0, false)).toBe(true)
    expect(shouldRetry({ type: 'status', status: 500 }, 0, false)).toBe(false)
    expect(shouldRetry({ type: 'status', status: 503 }, 2, true)).toBe(false)
    expect(shouldRetry({ type: 'timeout' }, 0, false)).toBe(false)
    expect(shouldRetry({ type: 'timeout' }, 0, true)).toBe(true)
    expect(shouldRetry({ type: 'network', code: 'ECONNREFUSED' }, 0, false)).toBe(true)
    expect(shouldRetry({ type: 'network', code: 'ECONNRESET' }, 0, false)).toBe(false)
  })
  it('honours Retry-After, capped', () => {
    expect(parseRetryAfter('2')).toBe(2000)
    expect(backoffMs(0, 2000)).toBeGreaterThanOrEqual(2000)
    expect(backoffMs(5, undefined)).toBeLessThanOrEqual(5000)
  })
})

describe('file names', () => {
  it('uses the URL name when it looks like one, else the title with an extension', () => {
    expect(fileName('https://x.test/a/report.pdf?sig=1', 'Report', 'application/pdf')).toBe('report.pdf')
    expect(fileName('https://x.test/download?id=3', 'Invoice', 'application/pdf')).toBe('Invoice.pdf')
    expect(fileName('https://x.test/', undefined, 'image/png')).toBe('file.png')
  })
})
