import { z } from '@botpress/sdk'

/** Everything shared between instances lives here (Botpress Cloud runs many stateless instances). */
export const states = {
  oauth: {
    type: 'integration',
    schema: z.object({
      refreshToken: z.string().title('Refresh token').describe('Refresh token obtained through the OAuth redirect'),
      region: z.string().optional().title('Data center').describe('Data center of the grant (the configured one)'),
      accountsServer: z.string().optional().title('Accounts server').describe('Accounts server that issued the token'),
      obtainedAt: z.string().title('Obtained at').describe('ISO date'),
    }),
  },
  oauthFlow: {
    type: 'integration',
    // Only hashes: the secrets live in the link register logged and in the state Zoho brings back.
    schema: z.object({
      links: z
        .array(
          z.object({
            id: z.string().title('Link ID').describe('Finds the link'),
            hash: z.string().title('Secret hash').describe('SHA-256 of the secret the logged link carries'),
            expiresAt: z.number().title('Expires at').describe('Epoch ms'),
          })
        )
        .title('Authorization links')
        .describe('Links logged by register that have not been opened yet (each starts one consent)'),
      states: z
        .array(
          z.object({
            id: z.string().title('State ID').describe('Finds the state'),
            hash: z.string().title('Secret hash').describe('SHA-256 of the state sent to Zoho'),
            expiresAt: z.number().title('Expires at').describe('Epoch ms'),
          })
        )
        .title('OAuth states')
        .describe('States handed to Zoho by an opened link, each accepted back once'),
    }),
  },
  accessToken: {
    type: 'integration',
    schema: z.object({
      token: z.string().title('Access token').describe('Current Zoho access token, shared by every instance'),
      expiresAt: z.number().title('Expires at').describe('Epoch ms'),
      refreshAt: z
        .number()
        .optional()
        .title('Refresh at')
        .describe('Epoch ms after which a new token is fetched ahead of expiry'),
      credential: z
        .string()
        .title('Credential fingerprint')
        .describe('Fingerprint of the refresh token that produced it'),
    }),
  },
  tokenRefreshLease: {
    type: 'integration',
    schema: z.object({
      holder: z.string().title('Holder').describe('Instance currently refreshing the access token'),
      until: z.number().title('Until').describe('Epoch ms when the lease lapses'),
    }),
  },
  tokenThrottle: {
    type: 'integration',
    schema: z.object({
      blockedUntil: z
        .number()
        .title('Blocked until')
        .describe('Epoch ms before which no token refresh is attempted (Zoho throttling)'),
      strikes: z.number().title('Strikes').describe('Throttle answers in a row; the wait grows with each'),
      credential: z.string().optional().title('Credential fingerprint').describe('The credentials this block is for'),
      rejected: z
        .string()
        .optional()
        .title('Rejection')
        .describe('Why Zoho rejected these credentials (no refresh is tried until blockedUntil)'),
    }),
  },
  setup: {
    type: 'integration',
    schema: z.object({
      webhookUrl: z
        .string()
        .optional()
        .title('Webhook URL')
        .describe('Webhook URL received by register (OAuth redirect URI and SalesIQ webhook target)'),
      webhookId: z
        .string()
        .optional()
        .title('SalesIQ webhook ID')
        .describe('ID of the SalesIQ webhook this integration manages'),
      publicKeys: z
        .array(z.string())
        .default([])
        .title('Webhook public keys')
        .describe('Public keys SalesIQ signs deliveries with, oldest first'),
      status: z
        .string()
        .optional()
        .title('Setup status')
        .describe('Outcome of the last setup, shown on the OAuth page'),
    }),
  },
  earlyAssignment: {
    type: 'user',
    // An assignment delivery that came before startHitl returned, waiting for it (src/hitl/early-assignment.ts):
    // startHitl's read-back of the chat's operator then leaves the announcement to it.
    schema: z.object({
      chatId: z.string().title('SalesIQ chat').describe('The chat whose assignment is waiting'),
      operatorId: z.string().title('Operator').describe('The operator it assigns'),
      at: z.number().title('Claimed at').describe('Epoch ms when the delivery started waiting'),
    }),
  },
  heldMessages: {
    type: 'conversation',
    // Operator messages scheduled for later (hold-back.ts) and not yet due: a scheduled message may not exist (nor be
    // found by getOrCreateMessage) until it is due, so redeliveries during the hold-back are recognised here.
    schema: z.object({
      keys: z
        .record(z.number())
        .title('Held messages')
        .describe('SalesIQ message key → epoch ms when its scheduled Botpress message is due'),
    }),
  },
  lock: {
    type: 'conversation',
    // Short-lived mutex (getOrSetState is atomic): one handler at a time checks and acts on this conversation's
    // assignment and held messages, across instances.
    schema: z.object({ nonce: z.string().title('Nonce').describe('Identifies the handler holding the lock') }),
  },
  ended: {
    type: 'conversation',
    // Set once (getOrSetState): whoever ends the session first (stopHitl, completed, missed) wins; the rest are no-ops.
    // `done` is set once the plugin was told, so a winner that failed midway is finished by SalesIQ's redelivery.
    schema: z.object({
      by: z.string().title('Ended by').describe('What ended the session: stopHitl, completed or missed'),
      nonce: z.string().title('Nonce').describe('Identifies the handler that won the end'),
      at: z.number().title('Ended at').describe('Epoch ms'),
      done: z.boolean().optional().title('Done').describe('True once the HITL plugin was told (hitlStopped)'),
    }),
  },
  ratingClaim: {
    type: 'conversation',
    // The latest `conversation.rated` delivery handled (src/rating): a redelivery, on any instance, emits nothing.
    schema: z.object({
      key: z.string().title('Delivery key').describe('Identifies the rated delivery (its event_time)'),
      eventTime: z.number().title('Event time').describe('SalesIQ event_time of that delivery (epoch ms)'),
      nonce: z.string().title('Nonce').describe('Identifies the handler whose claim was stored'),
      at: z.number().title('Claimed at').describe('Epoch ms'),
      done: z.boolean().optional().title('Done').describe('True once chatRated was emitted'),
    }),
  },
} as const
