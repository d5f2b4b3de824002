import { numericId, type ZohoStore } from './store'

/** Every SalesIQ scope the reference lists; the seeded refresh token carries all of them. */
export const ALL_SCOPES = [
  'SalesIQ.conversations.READ',
  'SalesIQ.conversations.CREATE',
  'SalesIQ.conversations.UPDATE',
  'SalesIQ.conversations.DELETE',
  'SalesIQ.apps.READ',
  'SalesIQ.departments.READ',
  'SalesIQ.operators.READ',
  'SalesIQ.webhooks.READ',
  'SalesIQ.webhooks.CREATE',
  'SalesIQ.webhooks.UPDATE',
  'SalesIQ.webhooks.DELETE',
  'SalesIQ.portals.READ',
]

/** The parts of the seed a caller may override (`seed` option). Everything else is fixed and documented. */
export interface SeedConfig {
  clientId: string
  clientSecret: string
  redirectUris: string[] | '*'
  screenName: string
  orgId: string
  refreshToken: string
  appWaitingTimeSec: number
}

export const defaultSeed: SeedConfig = {
  clientId: '1000.SANDBOXCLIENT',
  clientSecret: 'sandbox-secret',
  redirectUris: '*',
  screenName: 'acme',
  orgId: '710000000001',
  refreshToken: '1000.5eed0000000000000000000000000000.a11sc0pe5000000000000000000000',
  appWaitingTimeSec: 60,
}

export const SEED_IDS = {
  appId: numericId('app', 1),
  supportDepartmentId: numericId('department', 1),
  salesDepartmentId: numericId('department', 2),
  billingDepartmentId: numericId('department', 3), // not in the app: opening a chat with it gives 1025
  availableOperatorId: numericId('operator', 1),
  busyOperatorId: numericId('operator', 2),
  offlineOperatorId: numericId('operator', 3),
}

export function seedStore(store: ZohoStore, seed: SeedConfig, now = Date.now()): void {
  store.clients.set(seed.clientId, {
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    redirectUris: seed.redirectUris,
  })
  store.refreshTokens.set(seed.refreshToken, {
    value: seed.refreshToken,
    clientId: seed.clientId,
    scopes: ALL_SCOPES.map((s) => s.toLowerCase()),
    createdAt: now,
    revoked: false,
  })
  const ids = SEED_IDS
  store.departments.set(ids.supportDepartmentId, {
    id: ids.supportDepartmentId,
    name: 'Support',
    description: 'Product support',
    isPublic: true,
  })
  store.departments.set(ids.salesDepartmentId, {
    id: ids.salesDepartmentId,
    name: 'Sales',
    description: 'Pre-sales questions',
    isPublic: true,
  })
  store.departments.set(ids.billingDepartmentId, {
    id: ids.billingDepartmentId,
    name: 'Billing',
    description: 'Not part of the Acme Website app',
    isPublic: false,
  })
  store.reserveIds('department', 3)
  store.apps.set(ids.appId, {
    id: ids.appId,
    name: 'Acme Website',
    uniqueName: 'acmewebsite',
    enabled: true,
    departmentIds: [ids.supportDepartmentId, ids.salesDepartmentId],
    chatAssignment: 'auto_assign',
    waitingTimeSec: seed.appWaitingTimeSec,
    businessHours: 'off',
    waitingQueue: { enabled: false, size: 0 },
    offlineMessages: true,
    createdAt: now,
  })
  store.reserveIds('app', 1)
  const ops = [
    [ids.availableOperatorId, 'Ada', 'Lovelace', 'ada@acme.example', 'available'],
    [ids.busyOperatorId, 'Ben', 'Busy', 'Ben.Busy@Acme.example', 'busy'],
    [ids.offlineOperatorId, 'Olive', 'Offline', 'olive@acme.example', 'offline'],
  ] as const
  for (const [id, firstName, lastName, email, status] of ops) {
    store.operators.set(id, {
      id,
      firstName,
      lastName,
      nickName: firstName,
      email,
      status,
      maxConcurrentChats: 5,
      departmentIds: [ids.supportDepartmentId, ids.salesDepartmentId],
    })
  }
  store.reserveIds('operator', 3)
}

export function operatorName(o: { firstName: string; lastName: string }): string {
  return `${o.firstName} ${o.lastName}`
}
