/**
 * Names for the ids the timeline shows, learned from the other panels: the visitor's webchat and hitl conversations
 * (the visitor chat knows them) and the SalesIQ chats (the console knows their visitors). Unknown ids get a short form.
 */

const conversations = new Map()
const chats = new Map()
const chatOfConversation = new Map() // hitl conversation → its SalesIQ chat, from rows that carry both
const listeners = new Set()
const changed = () => listeners.forEach((fn) => fn())

function learn(map, id, label) {
  if (!id || !label || map.get(id) === label) return
  map.set(id, label)
  changed()
}

export const nameConversation = (id, label) => learn(conversations, id, label)
export const nameChat = (id, label) => learn(chats, id, label)
export const onNamesChanged = (fn) => listeners.add(fn)

/** The last few characters of a long id, which tell ids of one run apart. */
export const shortId = (id) => (id.length > 8 ? `…${id.slice(-5)}` : id)

/** A row with both ids tells which chat a hitl conversation is (only hitl conversations carry a chat). */
export function linkConversationToChat(conversationId, chatId) {
  if (!conversationId || !chatId || chatOfConversation.has(conversationId)) return
  chatOfConversation.set(conversationId, chatId)
  changed()
}

function nameOf(conversationId) {
  if (conversations.has(conversationId)) return conversations.get(conversationId)
  const chat = chats.get(chatOfConversation.get(conversationId))
  return chat ? `${chat} hitl` : undefined
}

export const conversationLabel = (id) => nameOf(id) ?? `conv ${shortId(id)}`
export const knowsConversation = (id) => nameOf(id) !== undefined
/** `withName: false` when the row's conversation already names the visitor. */
export const chatLabel = (id, withName = true) =>
  `chat ${shortId(id)}${withName && chats.has(id) ? ` ${chats.get(id)}` : ''}`

/** A long name cut in the middle, so its start and its extension stay readable. */
export function shorten(text, max = 48) {
  if (typeof text !== 'string' || text.length <= max) return text
  const keep = max - 1
  return `${text.slice(0, Math.ceil(keep * 0.6))}…${text.slice(-Math.floor(keep * 0.4))}`
}
