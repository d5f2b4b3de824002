import { z } from '@botpress/sdk'

/** Action `getAvailability`: what a bot checks before escalating (issue #17). */

export const AVAILABILITY_REASONS = [
  'operators-available',
  'no-operator-online',
  'outside-business-hours',
  'queue-full',
  'department-not-in-app',
  'app-disabled',
] as const

export const getAvailabilityInput = z.object({
  departmentId: z
    .string()
    .optional()
    .title('Department ID')
    .describe('SalesIQ department to check (empty: the configured one, as startHitl would use)'),
})

export const getAvailabilityOutput = z.object({
  canChat: z
    .boolean()
    .title('A live chat can start now')
    .describe(
      'True when an escalation now should reach an operator: the app is on, the department belongs to it, it is within ' +
        'business hours, an operator of the department is available and the waiting queue is not full'
    ),
  reason: z
    .enum(AVAILABILITY_REASONS)
    .title('Reason')
    .describe(
      'Why canChat is what it is: operators-available, or the first obstacle found — app-disabled, ' +
        'department-not-in-app, outside-business-hours, no-operator-online, queue-full'
    ),
  departmentId: z.string().title('Department ID').describe('The department that was checked'),
  operatorsAvailable: z
    .number()
    .title('Operators available')
    .describe('Operators of this department whose SalesIQ status is Available (and whose chat is enabled)'),
  operatorsBusy: z
    .number()
    .title('Operators busy')
    .describe('Operators of this department whose status is Busy: online, but not taking new chats'),
  withinBusinessHours: z
    .boolean()
    .title('Within business hours')
    .describe('False only when the app has business hours and now is outside them'),
  businessHours: z
    .enum(['none', 'open', 'closed', 'unknown'])
    .title('Business hours')
    .describe(
      'none: the app has no business hours (always open); open / closed: inside / outside them now; unknown: the ' +
        'app has business hours but SalesIQ did not say whether now is inside them (counted as within)'
    ),
  waitingTimeSeconds: z
    .number()
    .optional()
    .title('Waiting time (seconds)')
    .describe(
      'How long an escalated chat waits for an operator before SalesIQ reports it missed: the configured ' +
        '"waitTimeSeconds" if set, else the app\'s waiting time'
    ),
  queue: z
    .object({
      enabled: z.boolean().title('Queue on').describe("Whether the app's chat waiting queue is on"),
      size: z.number().optional().title('Queue size').describe('How many chats may wait at once, when set'),
      waiting: z
        .number()
        .optional()
        .title('Chats waiting')
        .describe('Chats of this department waiting for an operator now (absent when SalesIQ would not list them)'),
      full: z.boolean().title('Queue full').describe('True when the queue is on and as many chats wait as it holds'),
    })
    .title('Waiting queue')
    .describe("SalesIQ's chat waiting queue for this department"),
  checkedAt: z
    .string()
    .title('Checked at')
    .describe('ISO time SalesIQ was asked; answers are reused for a few seconds per department'),
})

export type Availability = z.infer<typeof getAvailabilityOutput>
export type AvailabilityReason = (typeof AVAILABILITY_REASONS)[number]
