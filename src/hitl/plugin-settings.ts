/**
 * The HITL plugin's assignment timeout that makes the plugin, not SalesIQ, end an unanswered wait: it then says its
 * own "No human agent is available…" and closes the chat. The plugin starts its timer only once the session is active
 * (the transcript sent and ~5 of its API calls later, ≤ ~6 s at 1 s per call) and needs a few more calls to stop the
 * session, so the timeout stays 10 s under the waiting time SalesIQ counts from the chat's opening.
 */
export const PLUGIN_TIMEOUT_HEADROOM_SECONDS = 10

export function pluginTimeoutFor(waitingTimeSeconds: number): number | undefined {
  if (!Number.isFinite(waitingTimeSeconds) || waitingTimeSeconds <= 0) return undefined
  return Math.max(1, Math.floor(waitingTimeSeconds) - PLUGIN_TIMEOUT_HEADROOM_SECONDS)
}
