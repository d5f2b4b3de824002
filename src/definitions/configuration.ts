import { z } from '@botpress/sdk'

export const REGIONS = ['us', 'eu', 'in', 'au', 'cn', 'jp', 'ca', 'sa'] as const

/**
 * The texts earlier versions sent by default. A configuration saved back then may hold them explicitly; they now count
 * as "not set", so such a configuration gets today's default (the HITL plugin's own notices only).
 */
export const LEGACY_DEFAULT_TEXTS = [
  'Sorry, no agent is available right now. Please leave your question and we will get back to you, or try again later.',
  'The agent has ended the conversation.',
]

export const configurationSchema = z.object({
  region: z
    .enum(REGIONS)
    .title('Data center')
    .describe(
      'Zoho data center of your SalesIQ account: us (zoho.com), eu, in, au (zoho.com.au), cn, jp, ca (zohocloud.ca), sa. ' +
        'It is the domain you see when you open SalesIQ.'
    ),
  clientId: z
    .string()
    .min(1)
    .title('Client ID')
    .describe('Client ID of the server-based client you created in the Zoho API console (api-console.zoho.<domain>)'),
  clientSecret: z.string().min(1).secret().title('Client secret').describe('Client secret of that Zoho API client'),
  refreshToken: z
    .string()
    .secret()
    .optional()
    .title('Refresh token (optional)')
    .describe(
      'Leave empty to connect with one click: the integration logs an authorization link after saving. ' +
        'Paste a refresh token here only if you generated one yourself (manual setup).'
    ),
  screenName: z
    .string()
    .min(1)
    .title('Portal screen name')
    .describe('The name in your SalesIQ URL: https://salesiq.zoho.com/<screen name>/mychats'),
  appId: z
    .string()
    .min(1)
    .title('App (brand) ID')
    .describe(
      'ID of the SalesIQ app (brand) whose operators take the chats: Settings → Brands → the brand → ID in the URL'
    ),
  departmentId: z
    .string()
    .min(1)
    .title('Department ID')
    .describe('ID of the SalesIQ department that receives escalations (it must belong to the app)'),
  webhookPublicKey: z
    .string()
    .optional()
    .title('Webhook public key (manual setup only)')
    .describe(
      'Only when the integration could not create the SalesIQ webhook itself: the public key SalesIQ shows for the ' +
        'webhook you created by hand (Settings → Developers → Webhooks). Base64 or PEM.'
    ),
  missedChatMessage: z
    .string()
    .optional()
    .title('Extra text when a chat is missed (optional, off by default)')
    .describe(
      'Sent only if an operator had been assigned when SalesIQ reports the chat missed. With no operator assigned the ' +
        'integration posts nothing (the HITL plugin would take its author for the agent); use the chatMissed event ' +
        "or the plugin's assignment timeout instead (see the integration's page)."
    ),
  chatEndedMessage: z
    .string()
    .optional()
    .title('Extra text when the operator ends the chat (optional, off by default)')
    .describe(
      "Sent before the HITL plugin's own end notice, and only while an operator is assigned. Leave empty: the plugin " +
        'already says "The human agent closed the conversation…" (change that wording in the plugin\'s ' +
        'onHitlStoppedMessage).'
    ),
  waitTimeSeconds: z
    .number()
    .int()
    .min(30)
    .max(999)
    .optional()
    .title('Wait time (seconds)')
    .describe("How long a chat waits for an operator before it is missed; empty uses the app's own setting"),
})
