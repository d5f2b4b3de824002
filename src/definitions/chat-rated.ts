import { z } from '@botpress/sdk'

/** Event `chatRated`: the visitor rated a SalesIQ chat of a hitl conversation (webhook `conversation.rated`). */
export const chatRatedEvent = {
  title: 'Chat rated',
  description:
    'The visitor rated the SalesIQ chat or left feedback (usually after it ended). Once per SalesIQ delivery, only ' +
    'for chats this integration opened.',
  schema: z.object({
    conversationId: z
      .string()
      .title('HITL conversation ID')
      .describe('The hitl conversation (returned by startHitl) whose SalesIQ chat was rated'),
    userId: z
      .string()
      .optional()
      .title('End user ID')
      .describe('The Botpress user the chat was opened for (the one given to startHitl)'),
    chatId: z.string().title('SalesIQ conversation ID').describe('Numeric conversation_id of the SalesIQ chat'),
    rating: z
      .number()
      .optional()
      .title('Rating')
      .describe("The visitor's rating as SalesIQ sent it (absent for a feedback-only submission)"),
    feedback: z.string().optional().title('Feedback').describe("The visitor's written feedback, when given"),
    operatorId: z.string().optional().title('Operator ID').describe('SalesIQ id of the operator who owned the chat'),
    operatorName: z.string().optional().title('Operator name').describe('Name of that operator'),
    agentUserId: z
      .string()
      .optional()
      .title('Agent user ID')
      .describe("That operator's Botpress user (the userId of hitlAssigned)"),
  }),
} as const
