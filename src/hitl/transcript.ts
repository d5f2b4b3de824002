import { renderMessage } from './render'

export type HistoryMessage = {
  source: { type: 'user'; userId: string } | { type: 'bot' }
  type: string
  payload: Record<string, unknown>
}

/** SalesIQ's message limit is undocumented; chunks stay well under what its chat window shows comfortably. */
export const TRANSCRIPT_CHUNK_CHARS = 3500

/**
 * An agent's message relayed by the plugin in an earlier session: outgoing (source bot) with `payload.userId` naming
 * the agent's look-alike user. The plugin's own texts are outgoing without it.
 */
export const agentOf = (m: HistoryMessage): string | undefined =>
  m.source.type === 'bot' && typeof m.payload.userId === 'string' && m.payload.userId ? m.payload.userId : undefined

export type Transcript = {
  /** What the operator reads: everything since the visitor's previous chat with an agent. */
  shown: HistoryMessage[]
  /** How many earlier messages (up to and including that chat's last agent message) are left out. */
  omitted: number
  /** The look-alike user of that chat's last agent, when there was one. */
  previousAgent?: string
}

/**
 * A later escalation carries the whole upstream conversation, earlier sessions included. SalesIQ keeps those chats
 * under the same visitor, so the operator reads only what happened since the last one, with a line saying so.
 */
export function sincePreviousSession(history: HistoryMessage[]): Transcript {
  let last = -1
  history.forEach((m, i) => {
    if (agentOf(m)) last = i
  })
  if (last < 0) return { shown: history, omitted: 0 }
  return { shown: history.slice(last + 1), omitted: last + 1, previousAgent: agentOf(history[last]!) }
}

/**
 * The bot conversation so far, as the operator reads it before answering: who said what (the visitor, or the bot —
 * the plugin's own texts included), every type readable, a button answer as the label the visitor clicked; an
 * earlier session is named by its agent, not repeated. Returned as chunks, each one visitor message in SalesIQ.
 * `agentNames` maps look-alike user ids to names.
 */
export function renderTranscript(
  history: HistoryMessage[],
  visitorName: string,
  agentNames: Record<string, string> = {}
): string[] {
  const { shown, omitted, previousAgent } = sincePreviousSession(history)
  if (shown.length === 0 && omitted === 0) return []
  const agentLabel = (id: string) => `${agentNames[id] ?? 'Agent'} (agent)`
  let offered: Array<{ label: string; value: string }> = []
  // `shown` holds no agent message (it starts after the last one), so its authors are the visitor and the bot.
  const lines = shown.map((m) => {
    let text = renderMessage(m.type, m.payload)
    if (m.source.type === 'bot') {
      const choices = choicesIn(m.type, m.payload)
      if (choices.length) offered = choices
    } else text = clickedLabel(m.payload, offered) ?? text
    const who = m.source.type === 'bot' ? 'Bot' : visitorName
    return `${who}: ${text.replace(/\n/g, '\n    ')}`
  })
  const opening = omitted
    ? `— Conversation with the bot since the visitor's previous chat with ${previousAgent ? agentLabel(previousAgent) : 'an agent'} ` +
      `(${omitted} earlier message${omitted === 1 ? '' : 's'} not repeated: see that chat in the visitor's history) —`
    : '— Conversation with the bot so far —'
  const chunks: string[] = []
  let current = opening
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

type Choice = { label: string; value: string }
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/** The buttons a bot message offered (choice/dropdown options, card and carousel actions that post a value). */
function choicesIn(type: string, payload: Record<string, unknown>): Choice[] {
  const pairs = (list: unknown) =>
    Array.isArray(list)
      ? list.flatMap((o: Record<string, unknown>) =>
          str(o?.label) && str(o?.value) ? [{ label: str(o.label), value: str(o.value) }] : []
        )
      : []
  if (type === 'choice' || type === 'dropdown') return pairs(payload.options)
  if (type === 'card') return pairs(payload.actions)
  if (type === 'carousel' && Array.isArray(payload.items))
    return payload.items.flatMap((card: Record<string, unknown>) => pairs(card?.actions))
  return []
}

/** A visitor message that is the value of a button just offered reads as that button's label. */
function clickedLabel(payload: Record<string, unknown>, offered: Choice[]): string | undefined {
  const said = str(payload.value) || str(payload.text)
  const choice = said ? offered.find((c) => c.value === said) : undefined
  return choice && choice.label !== said ? choice.label : undefined
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
