import { EventEmitter } from 'node:events'
import { Faults } from './faults'
import { Log, type DeliveryEntry, type RequestEntry } from './logs'
import type { SeedConfig } from './seed'
import type { ZohoEmulatorSettings } from './settings'
import { ZohoStore } from './store'

/** setTimeout handles the emulator owns, so reset/close can cancel every pending assignment, miss and retry. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>()

  after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.pending.delete(t)
      fn()
    }, ms)
    this.pending.add(t)
    return t
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return
    clearTimeout(t)
    this.pending.delete(t)
  }

  clearAll(): void {
    for (const t of this.pending) clearTimeout(t)
    this.pending.clear()
  }
}

/** One change of a conversation, as the timeline shows it. */
export interface ConversationChange {
  type: string
  conversationId: string
  detail?: Record<string, unknown>
}

/** Events of the library object (`emulator.events.on(...)`), also streamed as SSE on `/_emulator/events`. */
export interface EmulatorEvents {
  request: [entry: RequestEntry]
  delivery: [entry: DeliveryEntry]
  conversation: [change: ConversationChange]
  reset: []
}

/** A delivery kept back by a `hold` webhook fault until `/_emulator/webhooks/release`. */
export interface HeldDelivery {
  webhookId: string
  envelope: Record<string, unknown>
  attempt: number
}

/** Shared by every module: state, live settings, logs, faults, timers and the event emitter. */
export class EmulatorContext {
  store = new ZohoStore()
  readonly events = new EventEmitter<EmulatorEvents>()
  readonly timers = new Timers()
  readonly requests = new Log<RequestEntry>()
  readonly deliveries = new Log<DeliveryEntry>()
  readonly faults = new Faults()
  held: HeldDelivery[] = []
  /** Bumped on reset so work scheduled before it (deliveries in flight) is dropped. */
  epoch = 0
  listenUrl = ''

  constructor(
    public settings: ZohoEmulatorSettings,
    public seed: SeedConfig
  ) {
    this.events.setMaxListeners(100)
  }

  baseUrl(): string {
    return (this.settings.publicUrl ?? this.listenUrl).replace(/\/$/, '')
  }

  changed(type: string, conversationId: string, detail?: Record<string, unknown>): void {
    this.events.emit('conversation', { type, conversationId, detail })
  }
}
