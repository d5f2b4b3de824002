import { RuntimeError } from '@botpress/sdk'
import { toRuntimeError } from '../runtime/errors'
import { isZohoError, type ZohoError } from '../zoho/errors'
import type { SalesIQClient } from '../zoho/salesiq'
import type { TokenManager } from '../zoho/token-manager'

type Config = { screenName: string; appId: string; departmentId: string; region: string }
type Named = { id: string; name?: string }

/** Zoho answers that mean "this id does not exist" (rather than credentials, scope, throttling, network). */
const isMissing = (err: unknown): err is ZohoError =>
  isZohoError(err, 'not_found') || isZohoError(err, 'invalid_request')

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v))

/** `departments` of an app: documented as `[{"<id>":"<name>"}]`; `[{id,name}]` accepted too. */
export function appDepartments(app: Record<string, unknown>): Named[] | undefined {
  const list = app.departments
  if (!Array.isArray(list)) return undefined
  return list.flatMap((entry): Named[] => {
    if (!entry || typeof entry !== 'object') return []
    const o = entry as Record<string, unknown>
    if ('id' in o) return [{ id: String(o.id), name: str(o.name) }]
    return Object.entries(o).map(([id, name]) => ({ id, name: str(name) }))
  })
}

const listing = (items: Named[]) =>
  items.length ? items.map((i) => (i.name ? `${i.id} (${i.name})` : i.id)).join(', ') : 'none'

/**
 * Checks the configuration against SalesIQ, in the order that makes each failure name its own cause: credentials
 * (token), then the portal (screen name), then the app, then the department and that it belongs to the app.
 */
export async function validateConfiguration(salesiq: SalesIQClient, tokens: TokenManager, config: Config) {
  try {
    await tokens.getAccessToken()
  } catch (err) {
    throw toRuntimeError(err, 'obtaining a Zoho access token')
  }

  let apps: Named[] = []
  try {
    const res = await salesiq.listApps()
    apps = (Array.isArray(res?.data) ? res.data : []).map((a) => ({ id: String(a.id), name: str(a.name) }))
  } catch (err) {
    throw toRuntimeError(err, 'listing the SalesIQ apps')
  }

  let app: Record<string, unknown> | undefined
  try {
    app = (await salesiq.getApp(config.appId))?.data
  } catch (err) {
    if (!isMissing(err)) throw toRuntimeError(err, 'reading the SalesIQ app')
  }
  if (!app || !str(app.id)) {
    throw new RuntimeError(
      `Unknown app: SalesIQ portal "${config.screenName}" has no app (brand) with id "${config.appId}". ` +
        `Set "appId" to one of: ${listing(apps)}.`
    )
  }
  const appName = str(app.name)
  const waitingTimeSec = Number(app.waiting_time) || undefined // seconds before SalesIQ calls a waiting chat missed

  const departments = appDepartments(app)
  const belongs = departments?.some((d) => d.id === config.departmentId)
  if (belongs)
    return { appName, waitingTimeSec, departmentName: departments?.find((d) => d.id === config.departmentId)?.name }

  let department: Record<string, unknown> | undefined
  try {
    department = (await salesiq.getDepartment(config.departmentId))?.data
  } catch (err) {
    if (!isMissing(err)) throw toRuntimeError(err, 'reading the SalesIQ department')
  }
  if (!department || !str(department.id)) {
    throw new RuntimeError(
      `Unknown department: SalesIQ has no department with id "${config.departmentId}". ` +
        `Set "departmentId" to one of the departments of app "${appName ?? config.appId}": ${listing(departments ?? [])}.`
    )
  }
  if (departments) {
    throw new RuntimeError(
      `Department "${config.departmentId}" (${str(department.name) ?? 'unnamed'}) does not belong to app "${appName ?? config.appId}": ` +
        `chats of this app cannot reach it. Set "departmentId" to one of: ${listing(departments)}, or add the department to the app in SalesIQ.`
    )
  }
  return { appName, waitingTimeSec, departmentName: str(department.name) }
}
