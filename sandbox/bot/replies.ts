/** The sandbox bot's own (tiny) brain: what it says, as pure functions. */
type Message = { type: string; payload: Record<string, unknown> }
type Reply = { type: string; payload: Record<string, unknown> }

/** Button values (a click comes back as a text message with the value). */
export const ESCALATE_VALUE = 'talk-to-human'
export const LEAVE_MESSAGE_VALUE = 'leave-message'
export const NOT_NOW_VALUE = 'not-now'
const BUTTON_VALUES: string[] = [ESCALATE_VALUE, LEAVE_MESSAGE_VALUE, NOT_NOW_VALUE]

const textOf = (message: Pick<Message, 'payload'>) =>
  typeof message.payload.text === 'string' ? message.payload.text.trim() : ''

export function wantsHuman(message: Pick<Message, 'type' | 'payload'>): boolean {
  const text = String(message.payload.text ?? message.payload.value ?? '').toLowerCase()
  return text === ESCALATE_VALUE || /\b(human|agent|operator|person)\b/.test(text)
}

/** The button the visitor clicked (its value), if the message is one. */
export const buttonOf = (message: Pick<Message, 'payload'>) => {
  const text = textOf(message)
  return BUTTON_VALUES.includes(text) ? text : undefined
}

/** What the visitor typed as their offline message: a text that is not a button; nothing otherwise. */
export function offlineMessageOf(message: Pick<Message, 'type' | 'payload'>): string | undefined {
  if (message.type !== 'text') return undefined
  const text = textOf(message)
  return text && !buttonOf(message) ? text : undefined
}

export function botReply(message: Pick<Message, 'type' | 'payload'>): Reply {
  const text = String(message.payload.text ?? '').trim()
  const said = text ? `You said: "${text.slice(0, 200)}". ` : `Thanks for the ${message.type}. `
  return {
    type: 'choice',
    payload: {
      text: `${said}I'm a demo bot and can't help much — want to talk to a human?`,
      options: [{ label: 'Talk to a human', value: ESCALATE_VALUE }],
    },
  }
}

/** A duration in round words: "1 minute", "5 minutes", "2 hours". */
export function roughDuration(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60))
  if (minutes < 90) return minutes === 1 ? '1 minute' : `${minutes} minutes`
  const hours = Math.round(minutes / 60)
  return `${hours} hours`
}

/**
 * Before the handoff: how long the visitor may wait. `waitingTimeSeconds` is how long SalesIQ lets a chat wait
 * before it is missed, so it is an upper bound, said as one.
 */
export function expectedWaitText(waitingTimeSeconds: unknown): string {
  if (typeof waitingTimeSeconds !== 'number' || !(waitingTimeSeconds > 0)) return 'An operator is online.'
  return `An operator is online. You may wait up to ${roughDuration(waitingTimeSeconds)} for an answer.`
}

/** Why nobody can chat now, from getAvailability's `reason`. */
export function unavailableText(reason: unknown): string {
  switch (reason) {
    case 'outside-business-hours':
      return 'We are outside our business hours, so nobody can chat right now.'
    case 'no-operator-online':
      return 'Nobody is online to chat right now.'
    case 'queue-full':
      return 'All our operators are busy and the queue is full.'
    default:
      return 'Live chat is not available right now.'
  }
}

export const DEMO_TEXTS = {
  askForMessage: 'Type your message below and we will get back to you.',
  messageLeft: 'Thanks, your message is with our team. We will get back to you.',
  messageFailed: 'Sorry, I could not pass your message on. Please try again later.',
  notNow: 'All right, no message left.',
  textOnly: 'Please type your message as text.',
  missed: 'Sorry, nobody could take your chat in time. You can leave a message instead.',
  thanks: 'Thank you for rating the chat!',
} as const

/** Nobody can chat: say why and ask for a message (the next text is taken as one). */
export const offerMessageReply = (reason: unknown): Reply => ({
  type: 'choice',
  payload: {
    text: `${unavailableText(reason)} ${DEMO_TEXTS.askForMessage}`,
    options: [{ label: 'Not now', value: NOT_NOW_VALUE }],
  },
})

/** After a missed chat: a button to leave a message (the visitor's next words are not taken unasked). */
export const missedChatReply = (): Reply => ({
  type: 'choice',
  payload: { text: DEMO_TEXTS.missed, options: [{ label: 'Leave a message', value: LEAVE_MESSAGE_VALUE }] },
})
