import { fetchPublic } from '../net/public-fetch'

/** SalesIQ's limit for a visitor file (reference §3). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024
const FETCH_TIMEOUT_MS = 20_000

export type FetchedFile = { bytes: Uint8Array; name: string; contentType: string }

/**
 * Downloads a file a bot sent, only from a public address (a visitor's message must not make us read our own
 * network), within the size and time limits. Any failure is returned as a reason (the caller then sends a link
 * instead), never thrown.
 */
export async function fetchFile(url: string, title?: string): Promise<FetchedFile | { failed: string }> {
  const got = await fetchPublic(url, { maxBytes: MAX_FILE_BYTES, timeoutMs: FETCH_TIMEOUT_MS })
  if (!got.ok) return { failed: got.reason }
  if (got.bytes.length === 0) return { failed: 'is empty' }
  const contentType = got.contentType || 'application/octet-stream'
  return { bytes: got.bytes, name: fileName(url, title, contentType), contentType }
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'video/mp4': 'mp4',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
}

/** A name SalesIQ shows: the URL's last segment when it looks like a file name, else the title, else "file". */
export function fileName(url: string, title: string | undefined, contentType: string): string {
  let last = ''
  try {
    last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '')
  } catch {
    last = ''
  }
  if (/^[^/\\]{1,200}\.[A-Za-z0-9]{1,8}$/.test(last)) return last
  const base = (title?.trim() || last || 'file').replace(/[\\/:*?"<>|\r\n]+/g, '_').slice(0, 150)
  const ext = EXTENSIONS[contentType]
  return ext && !base.toLowerCase().endsWith(`.${ext}`) ? `${base}.${ext}` : base
}
