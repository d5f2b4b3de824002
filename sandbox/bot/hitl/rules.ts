/** The plugin's small decisions, as pure functions (reference/botpress.md §3). */
import { DEFAULT_CLOSE_COMMAND, type HitlConfig } from './config'
import { TAG } from './names'

/** The message types the plugin relays from the agent to the user (others get the "can not receive" answer). */
export const SUPPORTED_TYPES = ['text', 'image', 'audio', 'video', 'file', 'bloc'] as const

export const isSupportedType = (type: string) => (SUPPORTED_TYPES as readonly string[]).includes(type)

/** The close command is compared trimmed and case-insensitively; an empty configured one means the default. */
export function isCloseCommand(text: unknown, config: HitlConfig): boolean {
  if (typeof text !== 'string') return false
  const command = config.userHitlCloseCommand?.length ? config.userHitlCloseCommand : DEFAULT_CLOSE_COMMAND
  return text.trim().toLowerCase() === command.trim().toLowerCase()
}

type UserLike = { id: string; name?: string; pictureUrl?: string; tags: Record<string, string | undefined> }

/**
 * What the plugin passes to the integration's createUser for an upstream user: the plugin's `name` tag, else the
 * user's name, else "Unknown User"; the email given to startHitl, else the plugin's `email` tag, else an invented
 * no-reply address.
 */
export function downstreamUserProfile(user: UserLike, botId: string, userEmail?: string) {
  const name = user.tags[TAG.name] || user.name || 'Unknown User'
  const email = userEmail || user.tags[TAG.email] || `${user.id}@no-reply.${botId.replace(/_/g, '-')}.botpress.com`
  return { name, email, ...(user.pictureUrl ? { pictureUrl: user.pictureUrl } : {}) }
}

/** The agent's name as the plugin shows it. */
export const agentName = (user: { name?: string } | undefined) => (user?.name?.length ? user.name : 'A Human Agent')

type StoredMessage = {
  direction: 'incoming' | 'outgoing'
  userId: string
  type: string
  payload: Record<string, unknown>
  createdAt: string
}
export type HistoryEntry = {
  source: { type: 'bot' } | { type: 'user'; userId: string }
  type: string
  payload: Record<string, unknown>
}

/**
 * The transcript the plugin gives startHitl: the messages of one page, oldest first; outgoing ones (the bot's, the
 * plugin's texts, agent messages relayed in an earlier session) as the bot, incoming ones as the author's
 * downstream user.
 */
export function buildMessageHistory(page: StoredMessage[], downstreamOf: (userId: string) => string): HistoryEntry[] {
  return [...page]
    .sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime())
    .map((m) => ({
      source: m.direction === 'outgoing' ? { type: 'bot' } : { type: 'user', userId: downstreamOf(m.userId) },
      type: m.type,
      payload: m.payload,
    }))
}

/** The id of the newest incoming message of a page listed newest first. */
export const lastIncomingMessageId = (newestFirst: { id: string; direction: string }[]) =>
  newestFirst.find((m) => m.direction === 'incoming')?.id

/** The timeout event is acted on only when enabled and due (a stale event of an earlier setting is ignored). */
export function timeoutDue(sessionStartedAt: string, config: HitlConfig, now = Date.now()): boolean {
  const seconds = config.agentAssignedTimeoutSeconds ?? 0
  if (!seconds) return false
  return (now - new Date(sessionStartedAt).getTime()) / 1000 >= seconds
}
