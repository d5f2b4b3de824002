import type { EmulatorContext } from './context'
import { SEED_IDS, seedStore, type SeedConfig } from './seed'
import type { ZohoEmulatorSettings } from './settings'
import { ZohoStore } from './store'
import { tokenStats } from './tokens'
import {
  conversationView,
  messageView,
  PLAIN_MESSAGES,
  appView,
  departmentView,
  operatorView,
  webhookView,
} from './views'
import { attachmentUrl } from './entities'
import type { Conversation } from './model'

/** Wipes everything (state, logs, faults, held deliveries, pending timers) and seeds again. */
export function resetState(ctx: EmulatorContext, settings: ZohoEmulatorSettings, seed: SeedConfig): void {
  ctx.epoch++
  ctx.timers.clearAll()
  ctx.store = new ZohoStore()
  ctx.seed = seed
  ctx.settings = { ...settings }
  seedStore(ctx.store, seed)
  ctx.requests.clear()
  ctx.deliveries.clear()
  ctx.faults.clear()
  ctx.held = []
  ctx.events.emit('reset')
}

/** What `GET /_emulator` prints and `main.ts` shows: everything needed to configure the integration. */
export function credentials(ctx: EmulatorContext) {
  return {
    url: ctx.baseUrl(),
    accountsUrl: ctx.baseUrl(),
    salesiqUrl: ctx.baseUrl(),
    clientId: ctx.seed.clientId,
    clientSecret: ctx.seed.clientSecret,
    refreshToken: ctx.seed.refreshToken,
    screenName: ctx.seed.screenName,
    orgId: ctx.seed.orgId,
    appId: SEED_IDS.appId,
    departmentId: SEED_IDS.supportDepartmentId,
    ids: SEED_IDS,
  }
}

export function controlConversation(ctx: EmulatorContext, c: Conversation) {
  return {
    ...conversationView(c, ctx.store),
    state: c.state,
    left_message: c.leftMessage ?? false,
    last_transfer: c.lastTransfer ?? null,
    pending_transfer: c.pendingTransfer ?? null,
    // What the visitor rated (the console's "rate as the visitor"); null until rated.
    rating: c.rating ?? null,
    feedback: c.feedback ?? null,
    messages: c.messages.map((m) => messageView(m, (f) => attachmentUrl(ctx, c, f), PLAIN_MESSAGES)),
  }
}

export function dumpState(ctx: EmulatorContext) {
  const s = ctx.store
  return {
    credentials: credentials(ctx),
    apps: [...s.apps.values()].map((a) => appView(a, s)),
    departments: [...s.departments.values()].map(departmentView),
    operators: [...s.operators.values()].map((o) => ({
      ...operatorView(o),
      status: o.status,
      active_chats: s.activeChatsOf(o.id),
    })),
    conversations: [...s.conversations.values()].map((c) => controlConversation(ctx, c)),
    webhooks: [...s.webhooks.values()].map(webhookView),
    executions: [...s.executions.values()].map((e) => ({
      id: e.id,
      webhookId: e.webhookId,
      event: e.event,
      entityId: e.entityId,
      attempt: e.attempt,
      lastStatus: e.lastStatus,
    })),
    tokens: tokenStats(ctx),
    heldDeliveries: ctx.held.length,
  }
}
