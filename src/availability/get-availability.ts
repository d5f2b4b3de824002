import type * as bp from '.botpress'
import type { Availability } from '../definitions/availability'
import { connect } from '../runtime/connection'
import { asRuntimeErrors } from '../runtime/errors'
import { readAvailability } from './read-availability'

/**
 * A bot calls this at every escalation, so one round of SalesIQ calls (app, operators, waiting chats, in parallel)
 * is reused for a few seconds per department and instance. Memory is only a cache here: a miss just asks SalesIQ
 * again. Concurrent calls share the round in flight; failures are never cached.
 */
const DEFAULT_CACHE_MS = 5000
const cache = new Map<string, { until: number; value: Promise<Availability> }>()

/** `SALESIQ_AVAILABILITY_CACHE_MS` (read at call time) changes how long an answer is reused; 0 turns it off. */
const cacheMs = () => {
  const v = Number(process.env.SALESIQ_AVAILABILITY_CACHE_MS)
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_CACHE_MS
}

export const getAvailability: bp.IntegrationProps['actions']['getAvailability'] = async (props) => {
  const config = props.ctx.configuration
  const departmentId = props.input.departmentId?.trim() || config.departmentId
  const key = [props.ctx.integrationId, config.screenName, config.appId, departmentId].join('\n')
  const hit = cache.get(key)
  if (hit && hit.until > Date.now()) return hit.value

  const value = asRuntimeErrors('checking SalesIQ availability', () => ask(props, departmentId))
  const ttl = cacheMs()
  if (ttl > 0) {
    if (cache.size > 1000) cache.clear()
    cache.set(key, { until: Date.now() + ttl, value })
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key)
    })
  }
  return value
}

async function ask(props: bp.CommonHandlerProps, departmentId: string): Promise<Availability> {
  const { salesiq, config } = await connect(props)
  const [app, operators, waiting] = await Promise.all([
    salesiq.getApp(config.appId).then((r) => r?.data ?? {}),
    salesiq.listOperators().then((r) => (Array.isArray(r?.data) ? r.data : [])),
    // Only the queue's length depends on it: a refusal here (scope, plan) leaves the length unknown.
    salesiq.listWaitingConversations(departmentId).catch(() => undefined),
  ])
  const availability = readAvailability({
    app,
    operators,
    waiting,
    departmentId,
    configuredWaitSeconds: config.waitTimeSeconds,
    now: new Date(),
  })
  props.logger
    .forBot()
    .debug(
      `SalesIQ availability for department ${departmentId}: ${availability.reason} (${availability.operatorsAvailable} available)`
    )
  return availability
}
