import { renderMessage } from './render'

export type HistoryMessage = {
  source: { type: 'user'; userId: string } | { type: 'bot' }
  type: string
  payload: Record<string, unknown>
}

/** SalesIQ's message limit is undocumented; chunks stay well under what its chat window shows comfortably. */
export const TRANSCRIPT_CHUNK_CHARS = 3500

/**
 * The bot conversation so far, as the operator reads it before answering: who said what, every type readable.
 * Returned as chunks, each one visitor message in SalesIQ.
 */
export function renderTranscript(history: HistoryMessage[], visitorName: string): string[] {
  if (history.length === 0) return []
  const lines = history.map((m) => {
    const who = m.source.type === 'bot' ? 'Bot' : visitorName
    const text = renderMessage(m.type, m.payload).replace(/\n/g, '\n    ')
    return `${who}: ${text}`
  })
  const chunks: string[] = []
  let current = '— Conversation with the bot so far —'
  for (const line of lines) {
    for (const piece of splitLong(line)) {
      if (current.length + 1 + piece.length > TRANSCRIPT_CHUNK_CHARS) {
        chunks.push(current)
        current = piece
      } else current += '\n' + piece
    }
  }
  chunks.push(current + '\n— End of the bot conversation —')
  return chunks
}

function splitLong(line: string): string[] {
  const pieces: string[] = []
  for (let i = 0; i < line.length; i += TRANSCRIPT_CHUNK_CHARS - 100)
    pieces.push(line.slice(i, i + TRANSCRIPT_CHUNK_CHARS - 100))
  return pieces.length ? pieces : ['']
}

/** The chat's opening question: title and description, truncated (SalesIQ documents no limit). */
export function questionFrom(title: string | undefined, description: string | undefined, visitorName: string): string {
  const text =
    [title?.trim(), description?.trim()].filter(Boolean).join(' — ') || `${visitorName} asked to talk to a human`
  return text.length > 1000 ? text.slice(0, 997) + '...' : text
}
