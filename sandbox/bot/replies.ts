/** The sandbox bot's own (tiny) brain: it answers, and escalates when asked. */
type Message = { type: string; payload: Record<string, unknown> }
export const ESCALATE_VALUE = 'talk-to-human'

export function wantsHuman(message: Pick<Message, 'type' | 'payload'>): boolean {
  const text = String(message.payload.text ?? message.payload.value ?? '').toLowerCase()
  return text === ESCALATE_VALUE || /\b(human|agent|operator|person)\b/.test(text)
}

export function botReply(message: Pick<Message, 'type' | 'payload'>): {
  type: string
  payload: Record<string, unknown>
} {
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
