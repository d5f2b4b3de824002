import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { allowedPrivateHost, isPublicAddress } from './public-address'

/**
 * GET a URL that came from a message (a visitor's file, an operator attachment's redirect) without letting it reach
 * anything but the public internet: the address is checked after DNS resolution, on every redirect hop (followed
 * by hand, at most MAX_HOPS), and the body is read within a size limit and a deadline that also stops the reading.
 * Never throws: a failure is a reason the caller can show (and then send a link instead).
 */
export type FetchLimits = {
  maxBytes: number
  timeoutMs: number
  /** Sent to the first URL only: a credential never follows a redirect. */
  headers?: Record<string, string>
  /** Stops the download (and its reading) when the caller gives up first. */
  signal?: AbortSignal
  /** Connect to this URL's host even if it is not public (the configured Zoho host, itself trusted). */
  trustFirstHost?: boolean
}

export type Fetched = { ok: true; bytes: Buffer; contentType?: string; url: string }
export type NotFetched = { ok: false; reason: string; tooLarge?: boolean }

export const MAX_HOPS = 5

class Refused extends Error {
  constructor(
    readonly reason: string,
    readonly tooLarge = false
  ) {
    super(reason)
  }
}

/** dns.lookup, then every resolved address must be public: the connection can only go where we checked. */
function publicOnlyLookup(
  hostname: string,
  options: { all?: boolean } | number | ((...args: unknown[]) => void),
  callback?: (...args: unknown[]) => void
) {
  const cb = (typeof options === 'function' ? options : callback)!
  const wantAll = typeof options === 'object' && !!options?.all
  dnsLookup(hostname, { all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return cb(err)
    if (!addresses.length || addresses.some((a) => !isPublicAddress(a.address)))
      return cb(Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'ENOTPUBLIC' }))
    if (wantAll) return cb(null, addresses)
    return cb(null, addresses[0]!.address, addresses[0]!.family)
  })
}

function checkUrl(url: URL, trusted: boolean): { direct: boolean } {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Refused('is not an http(s) URL')
  if (url.username || url.password) throw new Refused('carries credentials in its address')
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  if (trusted || allowedPrivateHost(url.hostname, port)) return { direct: true }
  const literal = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(literal) && !isPublicAddress(literal)) throw new Refused('points at a private or reserved address')
  return { direct: false }
}

function request(url: URL, headers: Record<string, string>, direct: boolean, signal: AbortSignal) {
  const client = url.protocol === 'https:' ? https : http
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = client.get(url, {
      headers,
      signal,
      agent: false, // no reused socket: each connection goes through the checked lookup
      ...(direct ? {} : { lookup: publicOnlyLookup as never }),
    })
    req.on('response', resolve)
    req.on('error', reject)
  })
}

async function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) {
      res.destroy()
      throw new Refused(`is over ${Math.round(maxBytes / 1024 / 1024)} MB`, true)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export async function fetchPublic(address: string, limits: FetchLimits): Promise<Fetched | NotFetched> {
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  const signal = limits.signal ? AbortSignal.any([deadline, limits.signal]) : deadline
  let url: URL
  try {
    url = new URL(address)
  } catch {
    return { ok: false, reason: 'is not a valid URL' }
  }
  try {
    for (let hop = 0; ; hop++) {
      const { direct } = checkUrl(url, hop === 0 && !!limits.trustFirstHost)
      const res = await request(url, hop === 0 ? (limits.headers ?? {}) : {}, direct, signal)
      const status = res.statusCode ?? 0
      if (status >= 300 && status < 400 && res.headers.location) {
        res.destroy()
        if (hop + 1 > MAX_HOPS) throw new Refused(`redirects more than ${MAX_HOPS} times`)
        url = new URL(res.headers.location, url)
        continue
      }
      if (status < 200 || status >= 300) {
        res.destroy()
        throw new Refused(`could not be fetched (HTTP ${status})`)
      }
      const declared = Number(res.headers['content-length'] ?? NaN)
      if (declared > limits.maxBytes) {
        res.destroy()
        throw new Refused(`is over ${Math.round(limits.maxBytes / 1024 / 1024)} MB`, true)
      }
      const bytes = await readBody(res, limits.maxBytes)
      const contentType = res.headers['content-type']?.split(';')[0]?.trim() || undefined
      return { ok: true, bytes, contentType, url: url.toString() }
    }
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: err.reason, tooLarge: err.tooLarge }
    if (deadline.aborted) return { ok: false, reason: `took over ${limits.timeoutMs} ms` }
    if (limits.signal?.aborted) return { ok: false, reason: 'was given up' }
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOTPUBLIC') return { ok: false, reason: 'points at a private or reserved address' }
    return { ok: false, reason: `could not be fetched (${e.code ?? e.message})` }
  }
}
