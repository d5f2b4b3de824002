import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ZohoEmulatorClient } from '../client'
import type { ZohoEmulator } from '../server'
import { openChat, startFast } from './helpers'

let em: ZohoEmulator
let client: ZohoEmulatorClient

beforeAll(async () => ({ em, client } = await startFast()))
afterAll(() => em.close())
beforeEach(() => client.reset())

/** Ada (available) has the chat; the console then transfers it. */
async function chatWithAda() {
  const chat = await openChat(em, await client.accessToken())
  await expect
    .poll(async () => (await client.conversation(String(chat.conversation_id))).state, { timeout: 2000 })
    .toBe('connected')
  return String(chat.conversation_id)
}

const settled = (id: string) =>
  expect.poll(async () => (await client.conversation(id)).pending_transfer, { timeout: 2000 }).toBeNull()

describe('transfers (operator console)', () => {
  it('refuses a transfer to a busy operator and says why', async () => {
    const id = await chatWithAda()
    await client.transfer(id, { operatorId: em.ids.busyOperatorId, resolve: 'auto' })
    await settled(id)
    const c = await client.conversation(id)
    expect(c.attender).toMatchObject({ id: em.ids.availableOperatorId })
    expect(c.last_transfer).toMatchObject({
      toOperatorId: em.ids.busyOperatorId,
      outcome: 'rejected',
      reason: 'Ben Busy is busy',
    })
  })

  it('says why a department transfer found nobody, and keeps the reason a rejecting operator gives', async () => {
    const id = await chatWithAda()
    await client.transfer(id, { resolve: 'auto' })
    await settled(id)
    expect((await client.conversation(id)).last_transfer).toMatchObject({
      outcome: 'rejected',
      reason: 'no other operator is available',
    })
    await client.transfer(id, { operatorId: em.ids.offlineOperatorId, resolve: 'pending' })
    await fetch(`${em.url}/_emulator/conversations/${id}/transfer/reject`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'on a break' }),
    })
    expect((await client.conversation(id)).last_transfer).toMatchObject({ outcome: 'rejected', reason: 'on a break' })
  })

  it('records an accepted transfer', async () => {
    const id = await chatWithAda()
    await client.setOperator(em.ids.busyOperatorId, { status: 'available' })
    await client.transfer(id, { operatorId: em.ids.busyOperatorId, resolve: 'auto' })
    await settled(id)
    const c = await client.conversation(id)
    expect(c.attender).toMatchObject({ id: em.ids.busyOperatorId })
    expect(c.last_transfer).toMatchObject({ toOperatorId: em.ids.busyOperatorId, outcome: 'accepted' })
  })
})
