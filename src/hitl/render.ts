/**
 * Readable one-line (or few-line) text for every Botpress message type, for the operator's side of SalesIQ, which
 * shows plain text. Used for the transcript and for content that is sent as a link rather than a file.
 */
type Payload = Record<string, unknown>

const s = (v: unknown): string => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v))
const labelled = (label: string, title: unknown, url: unknown) =>
  [`[${label}]`, s(title), s(url)].filter(Boolean).join(' ')

function renderActions(actions: unknown): string {
  if (!Array.isArray(actions) || actions.length === 0) return ''
  return ' — ' + actions.map((a: Payload) => `[${s(a.label) || s(a.value)}]`).join(' ')
}

function renderOptions(options: unknown): string {
  if (!Array.isArray(options) || options.length === 0) return ''
  return ' — options: ' + options.map((o: Payload) => s(o.label) || s(o.value)).join(' | ')
}

function renderCard(card: Payload): string {
  const parts = [s(card.title), s(card.subtitle), s(card.imageUrl)].filter(Boolean).join(' · ')
  return `[card] ${parts}${renderActions(card.actions)}`
}

export function renderMessage(type: string, payload: Payload): string {
  switch (type) {
    case 'text':
    case 'markdown':
      return s(payload.text) || s(payload.markdown)
    case 'image':
      return labelled('image', payload.title, payload.imageUrl)
    case 'audio':
      return labelled('audio', payload.title, payload.audioUrl)
    case 'video':
      return labelled('video', payload.title, payload.videoUrl)
    case 'file':
      return labelled('file', payload.title, payload.fileUrl)
    case 'location': {
      const where = [s(payload.title), s(payload.address)].filter(Boolean).join(', ')
      const maps = `https://www.google.com/maps?q=${s(payload.latitude)},${s(payload.longitude)}`
      return `[location] ${where ? where + ' ' : ''}(${s(payload.latitude)}, ${s(payload.longitude)}) ${maps}`
    }
    case 'card':
      return renderCard(payload)
    case 'carousel':
      return Array.isArray(payload.items)
        ? payload.items.map((card: Payload) => renderCard(card)).join('\n')
        : '[carousel]'
    case 'choice':
    case 'dropdown':
      return `${s(payload.text)}${renderOptions(payload.options)}`
    case 'bloc':
      return Array.isArray(payload.items)
        ? payload.items.map((item: Payload) => renderMessage(s(item.type), (item.payload ?? {}) as Payload)).join('\n')
        : '[bloc]'
    default:
      return `[${type}] ${JSON.stringify(payload).slice(0, 300)}`
  }
}
