import { z } from '@botpress/sdk'

/** Per-escalation options a bot can pass to startHitl (the interface's `hitlSession` entity). */
export const hitlSessionSchema = z.object({
  departmentId: z
    .string()
    .optional()
    .title('Department ID')
    .describe('SalesIQ department for this escalation (overrides the configured one)'),
  phone: z.string().optional().title('Phone').describe('Phone number of the visitor, shown to the operator'),
  email: z.string().optional().title('Email').describe('Email of the visitor (overrides the one given to createUser)'),
  customerInfo: z
    .record(z.string())
    .optional()
    .title('Customer info')
    .describe('Extra key/value pairs shown to the operator in the visitor info panel'),
})
