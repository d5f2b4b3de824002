import type { ZohoEmulatorSettings } from './settings'
import type { ChatMessage } from './model'

/**
 * The fields of one chat message as SalesIQ would put them in `entity.message` (webhooks) and in the REST list.
 * Text messages are the real shape `{text, meta: {}}` (A8). Where a file sits is undocumented and was never seen:
 * `operatorFileShape` picks one of the candidates of the reference (A2, A8), so tests can play each of them.
 */
export function messageFields(
  m: ChatMessage,
  url: (fileId: string) => string,
  shape: ZohoEmulatorSettings['operatorFileShape']
): Record<string, unknown> {
  const base = { text: m.text, meta: {}, ...(m.comment ? { comment: m.comment } : {}) }
  if (!m.file) return base
  const f = m.file
  const link = url(f.fileId)
  switch (shape) {
    case 'file':
      return { ...base, file: { name: f.name, url: link, content_type: f.contentType, size: f.size } }
    case 'attachments':
      return { ...base, attachments: [{ name: f.name, url: link, contenttype: f.contentType, size: f.size }] }
    case 'attachment':
      return { ...base, attachment: { name: f.name, url: link, content_type: f.contentType, size: f.size } }
    case 'meta_file_url':
      return { ...base, meta: { file_url: link, file_name: f.name, content_type: f.contentType, size: f.size } }
    case 'type_file':
      return { ...base, url: link, file_name: f.name, content_type: f.contentType, size: f.size }
    case 'unknown':
      return { ...base, content: { key: f.fileId, label: f.name.length } }
  }
}

/** `type` of a message: "text", or "file" for a file (REST `last_message_info.type` is "text" for text). */
export const messageType = (m: ChatMessage): string => (m.file ? 'file' : 'text')
