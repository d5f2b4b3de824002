/**
 * The HITL plugin invents `<id>@no-reply.<botId>.botpress.com` when a user has no email: that is no email at all,
 * and must not land in SalesIQ's CRM. SalesIQ lower-cases emails, so we do too.
 */
export function realEmail(email: string | undefined): string | undefined {
  const trimmed = email?.trim().toLowerCase()
  if (!trimmed || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed)) return undefined
  if (/@no-reply\.[^@]*\.?botpress\.(com|cloud)$/.test(trimmed)) return undefined
  return trimmed
}
