import { describe, expect, it } from 'vitest'
import {
  AGENT_SETTLE_MS,
  assignmentDueAt,
  BOT_API_CALL_MS,
  endDueAt,
  EVENT_HOLD_AFTER_LINK_MS,
  EVENT_HOLD_AFTER_RETURN_MS,
  HOLD_AFTER_LINK_MS,
  HOLD_AFTER_RETURN_MS,
  operatorMessageDueAt,
  ORDER_GAP_MS,
  pluginReadyAt,
} from '../../src/hitl/hold-back'
import { pluginTimeoutFor } from '../../src/hitl/plugin-settings'

/**
 * The plugin (reference/botpress.md §3) activates ~4–5 calls after startHitl returned and reads the session ~2 calls
 * after a delivery: a delivery due at E survives when E + 2·L > return + 5·L. These tests replay that arithmetic with
 * the slowest call the issue asks for (L = 1 000 ms).
 */
const L = 1000
const activeAt = (returnedAt: number) => returnedAt + 5 * L
const readAt = (dueAt: number) => dueAt + 2 * L

describe('when the plugin accepts what the integration sends', () => {
  it('covers L = 1 000 ms with one call of margin, and says so in numbers the bench can print', () => {
    expect(BOT_API_CALL_MS).toBe(1000)
    expect(HOLD_AFTER_RETURN_MS).toBe(4000)
    expect(HOLD_AFTER_LINK_MS).toBe(1000)
    expect(EVENT_HOLD_AFTER_RETURN_MS).toBe(5000)
    expect(EVENT_HOLD_AFTER_LINK_MS).toBe(2000)
    expect(AGENT_SETTLE_MS).toBe(5000)
    expect(readAt(10_000 + HOLD_AFTER_RETURN_MS)).toBeGreaterThan(activeAt(10_000))
    expect(readAt(10_000 + HOLD_AFTER_RETURN_MS - L)).toBe(activeAt(10_000)) // without the margin: at the edge
  })

  it('an event reads the session in its first call, so it waits one call longer than a message', () => {
    const eventReadAt = (dueAt: number) => dueAt + L
    expect(eventReadAt(10_000 + EVENT_HOLD_AFTER_RETURN_MS)).toBeGreaterThan(activeAt(10_000))
    expect(eventReadAt(10_000 + EVENT_HOLD_AFTER_RETURN_MS - L)).toBe(activeAt(10_000))
  })

  it("an operator's first message is read (its first call) after hitlAssigned stored the agent (that event's 5th)", () => {
    const agentStoredAt = (assignedDueAt: number) => assignedDueAt + 5 * L
    const agentReadAt = (messageDueAt: number) => messageDueAt + L
    expect(agentReadAt(20_000 + AGENT_SETTLE_MS)).toBeGreaterThan(agentStoredAt(20_000))
    expect(agentReadAt(20_000 + AGENT_SETTLE_MS - L)).toBe(agentStoredAt(20_000)) // without the margin: at the edge
  })

  it('nothing before startHitl returned; after it, the bound from the return', () => {
    expect(pluginReadyAt({}, 10_000)).toBeUndefined()
    expect(pluginReadyAt({ handedOverAt: '10000' }, 10_100)).toBe(14_000)
    expect(pluginReadyAt({ handedOverAt: '10000' }, 20_000)).toBe(14_000)
  })

  it('shortens the wait once the plugin has linked the conversations (hitl#upstream), never lengthens it', () => {
    // Linked 300 ms after the return (fast plugin): one call of margin from when it was seen.
    expect(pluginReadyAt({ handedOverAt: '10000', 'hitl#upstream': 'conv_up' }, 10_300)).toBe(11_300)
    // Seen late: the bound from the return is earlier and still safe.
    expect(pluginReadyAt({ handedOverAt: '10000', 'hitl#upstream': 'conv_up' }, 13_500)).toBe(14_000)
  })

  it('holds nothing back once the plugin stored an agent (the session is active)', () => {
    expect(pluginReadyAt({ handedOverAt: '10000', 'hitl#humanAgentId': 'user_op' }, 10_500)).toBe(10_500)
  })

  it('keeps two assignments in order: a quick transfer is due after the first assignment', () => {
    const tags = { handedOverAt: '10000', 'hitl#upstream': 'conv_up', assignmentDueAt: '14000' }
    expect(assignmentDueAt(tags, 10_500)).toBe(14_000 + ORDER_GAP_MS)
    expect(assignmentDueAt({ handedOverAt: '10000' }, 10_500)).toBe(10_000 + EVENT_HOLD_AFTER_RETURN_MS)
  })

  it("an operator's message waits until the plugin could store that operator, unless it already did", () => {
    const tags = { handedOverAt: '10000', assignmentDueAt: '14000' }
    expect(operatorMessageDueAt(tags, 'user_op', 12_000)).toBe(14_000 + AGENT_SETTLE_MS)
    expect(operatorMessageDueAt({ ...tags, 'hitl#humanAgentId': 'user_op' }, 'user_op', 12_000)).toBe(12_000)
    // A transfer: the plugin still has the previous agent stored; the new operator's message waits.
    const transferred = { ...tags, 'hitl#humanAgentId': 'user_a', assignmentDueAt: '30000' }
    expect(operatorMessageDueAt(transferred, 'user_b', 30_000)).toBe(30_000 + AGENT_SETTLE_MS)
    // Long after: nothing to wait for.
    expect(operatorMessageDueAt(tags, 'user_op', 60_000)).toBe(60_000)
    expect(operatorMessageDueAt({}, 'user_op', 12_000)).toBeUndefined()
  })

  it('the end comes after anything held back, whatever was observed since', () => {
    const tags = { handedOverAt: '10000', assignmentDueAt: '14000', 'hitl#humanAgentId': 'user_op' }
    expect(endDueAt(tags, 12_000)).toBe(14_000 + AGENT_SETTLE_MS + ORDER_GAP_MS)
    expect(endDueAt(tags, 60_000)).toBe(60_000)
  })
})

describe("the HITL plugin's assignment timeout for a SalesIQ waiting time", () => {
  it('stays 10 s under the waiting time, so the plugin ends the wait before SalesIQ misses the chat', () => {
    expect(pluginTimeoutFor(60)).toBe(50)
    expect(pluginTimeoutFor(30)).toBe(20)
    expect(pluginTimeoutFor(5)).toBe(1)
    expect(pluginTimeoutFor(0)).toBeUndefined()
  })
})
