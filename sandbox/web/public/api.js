/* global fetch, FormData */
/** Same-origin calls of the page: the visitor API, the Zoho emulator's control API (via /api/zoho) and the timeline. */

async function call(method, url, body) {
  const init = { method, headers: {} }
  if (body instanceof FormData) init.body = body
  else if (body !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const res = await fetch(url, init)
  const text = await res.text()
  let data
  try {
    data = text ? JSON.parse(text) : undefined
  } catch {
    data = text
  }
  if (!res.ok) {
    const why = (data && (data.error?.message ?? data.error ?? data.message)) || text || res.statusText
    throw new Error(`${method} ${url}: ${res.status} ${typeof why === 'string' ? why : JSON.stringify(why)}`)
  }
  return data
}

export const get = (url) => call('GET', url)
export const post = (url, body) => call('POST', url, body ?? {})
export const put = (url, body) => call('PUT', url, body ?? {})

export const visitorApi = {
  start: (name, email) => post('/api/visitors', { name, ...(email ? { email } : {}) }),
  read: (conversationId) => get(`/api/visitors/${encodeURIComponent(conversationId)}`),
  sendText: (conversationId, userId, text) =>
    post(`/api/visitors/${encodeURIComponent(conversationId)}/messages`, { userId, text }),
  /** A choice answer: the option's value is the text the bot reads (as webchat sends it); the label is for display. */
  sendChoice: (conversationId, userId, option) =>
    post(`/api/visitors/${encodeURIComponent(conversationId)}/messages`, {
      userId,
      type: 'text',
      payload: { text: option.value, ...(option.label ? { label: option.label } : {}) },
    }),
  sendFile(conversationId, userId, file) {
    const form = new FormData()
    form.append('file', file, file.name)
    return post(`/api/visitors/${encodeURIComponent(conversationId)}/files?userId=${encodeURIComponent(userId)}`, form)
  },
}

const z = (path) => `/api/zoho/${path}`
export const zohoApi = {
  operators: () => get(z('operators')),
  setOperatorStatus: (id, status) => put(z(`operators/${id}`), { status }),
  apps: () => get(z('apps')),
  setApp: (id, patch) => put(z(`apps/${id}`), patch),
  offlineMessages: () => get(z('offline-messages')),
  conversations: () => get(z('conversations')),
  accept: (id, operatorId) => post(z(`conversations/${id}/accept`), operatorId ? { operatorId } : {}),
  reply: (id, operatorId, body) => post(z(`conversations/${id}/reply`), { operatorId, ...body }),
  transfer: (id, operatorId) => post(z(`conversations/${id}/transfer`), { operatorId, resolve: 'auto' }),
  complete: (id) => post(z(`conversations/${id}/complete`), { endedBy: 'agent' }),
  miss: (id) => post(z(`conversations/${id}/miss`)),
  /** As the visitor: a rating, feedback or both (`undefined` ones are left out). */
  rate: (id, { rating, feedback }) => post(z(`conversations/${id}/rate`), { rating, feedback }),
}
