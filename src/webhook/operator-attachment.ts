import type * as bp from '.botpress'
import { MAX_FILE_BYTES } from '../hitl/fetch-file'
import { connect } from '../runtime/connection'
import { hostsFor, REGION_HOSTS } from '../zoho/regions'
import type { Attachment } from '../zoho/webhook-payload'

/** The webhook must answer SalesIQ within 5 s: a slow download gives way to a text naming the file. */
export const ATTACHMENT_BUDGET_MS = 3_000

export type OutgoingMessage =
  | { type: 'text'; payload: { text: string } }
  | { type: 'image'; payload: { imageUrl: string; title?: string } }
  | { type: 'audio'; payload: { audioUrl: string; title?: string } }
  | { type: 'video'; payload: { videoUrl: string; title?: string } }
  | { type: 'file'; payload: { fileUrl: string; title?: string } }

const EXT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  pdf: 'application/pdf',
  txt: 'text/plain',
}

const guessType = (name?: string, url?: string) => {
  const source = name ?? (url ? safePath(url) : '')
  const ext = /\.([a-z0-9]{1,5})$/i.exec(source)?.[1]?.toLowerCase()
  return ext ? EXT_TYPES[ext] : undefined
}

const safePath = (url: string) => {
  try {
    return decodeURIComponent(new URL(url).pathname)
  } catch {
    return ''
  }
}

/** How the hitl channel shows a file of this type (image/audio/video inline, anything else as a file). */
export function messageFor(url: string, contentType: string | undefined, title: string | undefined): OutgoingMessage {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  if (type.startsWith('image/')) return { type: 'image', payload: { imageUrl: url, ...(title ? { title } : {}) } }
  if (type.startsWith('audio/')) return { type: 'audio', payload: { audioUrl: url, ...(title ? { title } : {}) } }
  if (type.startsWith('video/')) return { type: 'video', payload: { videoUrl: url, ...(title ? { title } : {}) } }
  return { type: 'file', payload: { fileUrl: url, ...(title ? { title } : {}) } }
}

export const namingText = (name: string | undefined, why: string) =>
  ({ type: 'text', payload: { text: `📎 The agent sent a file${name ? ` "${name}"` : ''}, ${why}.` } }) as const

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`took over ${ms} ms`)), ms).unref?.()),
  ])

/**
 * An operator attachment as a message the user can open. SalesIQ's own attachment URLs need the OAuth token, which
 * must never reach the user: such files are downloaded and re-hosted through the Botpress Files API (deterministic
 * key, so a redelivery overwrites rather than duplicates). Other URLs are public already. When nothing works the
 * user still learns a file was sent (a text naming it) — never a silent drop.
 */
export async function relayAttachment(
  props: bp.CommonHandlerProps,
  chatId: string,
  messageKey: string,
  attachment: Attachment
): Promise<OutgoingMessage> {
  const { url, name } = attachment
  if (!url) return namingText(name, 'which cannot be shown here')
  const contentType = attachment.contentType ?? guessType(name, url)
  if (!needsZohoAuth(props, url)) return messageFor(url, contentType, name)
  if (attachment.size !== undefined && attachment.size > MAX_FILE_BYTES)
    return namingText(name, 'which is too large to show here')

  try {
    return await withTimeout(
      (async () => {
        const { salesiq } = await connect(props)
        // The download stops (reading included) when the budget is spent, not only our wait for it.
        const file = await salesiq.downloadAttachment(url, MAX_FILE_BYTES, AbortSignal.timeout(ATTACHMENT_BUDGET_MS))
        const type = contentType ?? file.contentType?.split(';')[0]?.trim() ?? 'application/octet-stream'
        const fileName = (name ?? (safePath(url).split('/').pop() || 'file')).replace(/[^\w.\- ]+/g, '_').slice(0, 100)
        const { file: uploaded } = await props.client.uploadFile({
          key: `salesiq/${chatId}/${messageKey}/${fileName}`,
          content: Buffer.from(file.bytes),
          contentType: type,
          accessPolicies: ['public_content'],
          // The message goes out at once: without this, Botpress serves a public file only once it processed it.
          publicContentImmediatelyAccessible: true,
          tags: { source: 'zoho-salesiq', chatId },
        })
        return messageFor(uploaded.url, type, name)
      })(),
      ATTACHMENT_BUDGET_MS
    )
  } catch (err) {
    props.logger
      .forBot()
      .warn(`An operator file of SalesIQ chat ${chatId} could not be re-hosted: ${(err as Error).message}`)
    return namingText(name, 'which could not be retrieved from SalesIQ')
  }
}

/** SalesIQ hosts (any data center, or the override) serve attachments only with the OAuth token. */
function needsZohoAuth(props: bp.CommonHandlerProps, url: string): boolean {
  try {
    const origin = new URL(url).origin
    const hosts = [
      hostsFor(props.ctx.configuration.region).salesiq,
      ...Object.values(REGION_HOSTS).map((h) => h.salesiq),
    ]
    return hosts.some((h) => new URL(h).origin === origin)
  } catch {
    return false
  }
}
