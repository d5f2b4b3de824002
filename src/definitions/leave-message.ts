import { z } from '@botpress/sdk'

/** Action `leaveMessage`: SalesIQ's offline message, for when nobody can take a live chat (issue #17). */

export const leaveMessageInput = z.object({
  userId: z
    .string()
    .min(1)
    .title('User ID')
    .describe(
      "The visitor's Botpress user: the one createUser returned (the HITL plugin's downstream user), so the message " +
        'lands on the same SalesIQ visitor as their chats'
    ),
  message: z.string().min(1).title('Message').describe('What the visitor wants the operators to know'),
  departmentId: z
    .string()
    .optional()
    .title('Department ID')
    .describe('SalesIQ department that receives the message (empty: the configured one)'),
  email: z.string().optional().title('Email').describe("Where operators can answer (overrides the user's email)"),
  phone: z.string().optional().title('Phone').describe('A phone number operators can call back'),
})

export const leaveMessageOutput = z.object({
  messageId: z
    .string()
    .optional()
    .title('Message ID')
    .describe('The id SalesIQ gave the offline message (its conversation id); absent if SalesIQ answered none'),
  departmentId: z.string().title('Department ID').describe('The department the message was left for'),
})
