import { z } from '@botpress/sdk'

/** Everything shared between instances lives here (Botpress Cloud runs many stateless instances). */
export const states = {
  oauth: {
    type: 'integration',
    schema: z.object({
      refreshToken: z.string().describe('Refresh token obtained through the OAuth redirect'),
      region: z.string().optional().describe('Data center detected from the OAuth redirect'),
      accountsServer: z.string().optional().describe('Accounts server that issued the token'),
      obtainedAt: z.string().describe('ISO date'),
    }),
  },
  accessToken: {
    type: 'integration',
    schema: z.object({
      token: z.string(),
      expiresAt: z.number().describe('Epoch ms'),
      refreshAt: z.number().optional().describe('Epoch ms after which a new token is fetched ahead of expiry'),
      credential: z.string().describe('Fingerprint of the refresh token that produced it'),
    }),
  },
  tokenRefreshLease: {
    type: 'integration',
    schema: z.object({ holder: z.string(), until: z.number() }),
  },
  tokenThrottle: {
    type: 'integration',
    schema: z.object({ blockedUntil: z.number(), strikes: z.number() }),
  },
  setup: {
    type: 'integration',
    schema: z.object({
      webhookUrl: z.string().optional(),
      webhookId: z.string().optional(),
      publicKeys: z.array(z.string()).default([]),
      status: z.string().optional().describe('Outcome of the last setup, shown on the OAuth page'),
    }),
  },
  parkedAssignments: {
    type: 'integration',
    schema: z.object({}).catchall(
      z
        .object({
          operatorId: z.string(),
          operatorName: z.string(),
          operatorEmail: z.string().optional(),
          eventTime: z.number(),
          parkedAt: z.number(),
        })
        .nullable()
    ),
  },
  assignmentClaim: {
    type: 'conversation',
    // Short-lived: two instances handling the same delivery at once — only the one whose claim is stored acts.
    schema: z.object({ key: z.string(), nonce: z.string() }),
  },
  ended: {
    type: 'conversation',
    // Set once (getOrSetState): whoever ends the session first (stopHitl, completed, missed) wins; the rest are no-ops.
    // `done` is set once the plugin was told, so a winner that failed midway is finished by SalesIQ's redelivery.
    schema: z.object({ by: z.string(), nonce: z.string(), at: z.number(), done: z.boolean().optional() }),
  },
} as const
