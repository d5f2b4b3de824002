/** The plugin's default texts (reference/botpress.md §3); each can be replaced by configuration. */
export const DEFAULT_TEXTS = {
  onHitlHandoffMessage: 'I have escalated this conversation to a human agent. They should be with you shortly.',
  onHumanAgentAssignedMessage: 'A human agent has joined the conversation.',
  onHitlStoppedMessage: 'The human agent closed the conversation. I will continue assisting you.',
  /** Written into the hitl conversation (for the agent) when the user ends the session or it times out. */
  onUserHitlCancelledMessage: '( The user has ended the session. )',
  /** Written into the hitl conversation when the agent sends what the user cannot receive. */
  onIncompatibleMsgTypeMessage:
    'Sorry, the user can not receive this type of message. Please resend your message as a text message.',
  onUserHitlCloseMessage: 'You have ended the session with the human agent. I will continue assisting you.',
  onAgentAssignedTimeoutMessage:
    'No human agent is available at the moment. Please try again later. I will continue assisting you for the time being.',
} as const

export type TextName = keyof typeof DEFAULT_TEXTS

/** Fixed texts of the plugin (not configurable). */
export const FIXED_TEXTS = {
  /** To the user, for a message type the plugin does not relay to the agent. */
  userTypeNotSupported: 'Sorry, I can only handle text messages for now. Please try again.',
  /** When a session's link is missing (the session is ended). */
  sessionBroken: 'Something went wrong, you are not connected to a human agent...',
} as const

/** The literal the plugin reads as "send nothing". */
export const SEND_NOTHING = 'NULL'

/** The text to send for `name`: the configured one, the default when unset or empty, nothing for `NULL`. */
export function textToSend(configured: string | undefined, name: TextName): string | undefined {
  if (configured === SEND_NOTHING) return undefined
  return configured?.length ? configured : DEFAULT_TEXTS[name]
}
