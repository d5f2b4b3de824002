import { z } from '@botpress/sdk'

/** Events of the integration's own, beyond the hitl interface's (the bot receives them as `zoho-salesiq-hitl:<name>`). */
export const events = {
  chatMissed: {
    title: 'Chat missed',
    description:
      'No SalesIQ operator picked the chat up before SalesIQ gave up waiting. Emitted just before hitlStopped, so a ' +
      'flow can tell the visitor in its own words (the HITL plugin only says that the agent closed the conversation).',
    schema: z.object({
      conversationId: z
        .string()
        .title('HITL conversation ID')
        .describe('The hitl conversation (returned by startHitl) whose SalesIQ chat was missed'),
      waitedSeconds: z
        .number()
        .optional()
        .title('Waited (seconds)')
        .describe('How long the visitor waited for an operator, when known'),
    }),
  },
} as const
