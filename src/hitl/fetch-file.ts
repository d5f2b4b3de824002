/** SalesIQ's limit for a visitor file (reference §3). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024
const FETCH_TIMEOUT_MS = 20_000

export type FetchedFile = { bytes: Uint8Array; name: string; contentType: string }

/**
 * Downloads a file a bot sent, refusing anything over the limit without reading it all. Any failure is returned
 * as a reason (the caller then sends a link instead), never thrown.
 */
export async function fetchFile(url: string, title?: string): Promise<FetchedFile | { failed: string }> {
  let response: Response
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { failed: 'not an http(s) URL' }
    response = await fetch(parsed, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' })
  } catch (err) {
    return { failed: `could not be fetched (${(err as Error).message})` }
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined)
    return { failed: `could not be fetched (HTTP ${response.status})` }
  }
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > MAX_FILE_BYTES) {
    await response.body?.cancel().catch(() => undefined)
    return { failed: 'is over 50 MB' }
  }
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength
      if (size > MAX_FILE_BYTES) {
        await response.body?.cancel().catch(() => undefined)
        return { failed: 'is over 50 MB' }
      }
      chunks.push(chunk)
    }
  } catch (err) {
    return { failed: `could not be read (${(err as Error).message})` }
  }
  if (size === 0) return { failed: 'is empty' }
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream'
  return { bytes: Buffer.concat(chunks), name: fileName(url, title, contentType), contentType }
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
