import { describe, expect, it } from 'vitest'
import {
  readConfig,
  sessionConfig,
  timeoutSeconds,
  useHumanAgentInfo,
  flowOnHitlStopped,
} from '../../sandbox/bot/hitl/config'
import { botDefinition } from '../../sandbox/bot/definition'
import { STATE, TAG } from '../../sandbox/bot/hitl/names'
import {
  agentName,
  buildMessageHistory,
  downstreamUserProfile,
  isCloseCommand,
  isSupportedType,
  lastIncomingMessageId,
  timeoutDue,
} from '../../sandbox/bot/hitl/rules'
import { DEFAULT_TEXTS, textToSend } from '../../sandbox/bot/hitl/texts'

describe('plugin texts', () => {
  it('sends the default when unset or empty, the configured text otherwise, nothing for NULL', () => {
    expect(textToSend(undefined, 'onHitlHandoffMessage')).toBe(
      'I have escalated this conversation to a human agent. They should be with you shortly.'
    )
    expect(textToSend('', 'onHumanAgentAssignedMessage')).toBe('A human agent has joined the conversation.')
    expect(textToSend('Hang on', 'onHitlHandoffMessage')).toBe('Hang on')
    expect(textToSend('NULL', 'onHitlStoppedMessage')).toBeUndefined()
    expect(textToSend('null', 'onHitlStoppedMessage')).toBe('null') // only the exact literal
  })

  it("has the plugin's texts", () => {
    expect(DEFAULT_TEXTS.onHitlStoppedMessage).toBe(
      'The human agent closed the conversation. I will continue assisting you.'
    )
    expect(DEFAULT_TEXTS.onUserHitlCancelledMessage).toBe('( The user has ended the session. )')
    expect(DEFAULT_TEXTS.onUserHitlCloseMessage).toBe(
      'You have ended the session with the human agent. I will continue assisting you.'
    )
    expect(DEFAULT_TEXTS.onAgentAssignedTimeoutMessage).toBe(
      'No human agent is available at the moment. Please try again later. I will continue assisting you for the time being.'
    )
  })
})

describe('plugin configuration', () => {
  it('keeps known fields of the right type, with the defaults of the plugin', () => {
    const c = readConfig({
      userHitlCloseCommand: '/bye',
      agentAssignedTimeoutSeconds: '5',
      useHumanAgentInfo: 'no',
      x: 1,
    })
    expect(c).toEqual({ userHitlCloseCommand: '/bye' })
    expect(timeoutSeconds(c)).toBe(0) // off unless configured
    expect(useHumanAgentInfo(c)).toBe(true)
    expect(flowOnHitlStopped(c)).toBe(true)
    expect(readConfig('garbage')).toEqual({})
  })

  it("lets a session's overrides win over the bot's configuration", () => {
    const c = sessionConfig(
      { onHitlHandoffMessage: 'bot', agentAssignedTimeoutSeconds: 30 },
      { onHitlHandoffMessage: 'session', useHumanAgentInfo: false }
    )
    expect(c).toEqual({ onHitlHandoffMessage: 'session', agentAssignedTimeoutSeconds: 30, useHumanAgentInfo: false })
  })
})

describe('close command', () => {
  it('matches trimmed and case-insensitively, default /end', () => {
    expect(isCloseCommand('/END', {})).toBe(true)
    expect(isCloseCommand('  /end \n', {})).toBe(true)
    expect(isCloseCommand('/end now', {})).toBe(false)
    expect(isCloseCommand(undefined, {})).toBe(false)
    expect(isCloseCommand('STOP', { userHitlCloseCommand: ' stop ' })).toBe(true)
    expect(isCloseCommand('/end', { userHitlCloseCommand: 'stop' })).toBe(false)
    expect(isCloseCommand('/end', { userHitlCloseCommand: '' })).toBe(true)
  })
})

describe('what the plugin relays and announces', () => {
  it('relays text, image, audio, video, file and bloc only', () => {
    for (const t of ['text', 'image', 'audio', 'video', 'file', 'bloc']) expect(isSupportedType(t)).toBe(true)
    for (const t of ['card', 'carousel', 'choice', 'dropdown', 'location', 'markdown'])
      expect(isSupportedType(t)).toBe(false)
  })

  it('names an agent without a name "A Human Agent"', () => {
    expect(agentName({ name: 'Ada' })).toBe('Ada')
    expect(agentName({ name: '' })).toBe('A Human Agent')
    expect(agentName(undefined)).toBe('A Human Agent')
  })
})

describe('escalation inputs', () => {
  const user = { id: 'user_1', name: 'Alice', tags: {} as Record<string, string> }

  it('invents a no-reply email from the user and bot ids when none is known', () => {
    expect(downstreamUserProfile(user, 'bot_a_b')).toEqual({
      name: 'Alice',
      email: 'user_1@no-reply.bot-a-b.botpress.com',
    })
    expect(downstreamUserProfile(user, 'bot', 'a@b.c').email).toBe('a@b.c')
    expect(downstreamUserProfile({ ...user, tags: { [TAG.email]: 'tag@b.c', [TAG.name]: 'Ali' } }, 'bot')).toEqual({
      name: 'Ali',
      email: 'tag@b.c',
    })
    expect(downstreamUserProfile({ id: 'u', tags: {}, pictureUrl: 'http://p' }, 'bot')).toMatchObject({
      name: 'Unknown User',
      pictureUrl: 'http://p',
    })
  })

  it('builds messageHistory oldest first: outgoing as the bot, incoming as the downstream user', () => {
    const page = [
      {
        direction: 'outgoing' as const,
        userId: 'bot',
        type: 'text',
        payload: { text: 'handoff' },
        createdAt: '2026-01-01T00:00:03Z',
      },
      {
        direction: 'incoming' as const,
        userId: 'user_1',
        type: 'text',
        payload: { text: 'human' },
        createdAt: '2026-01-01T00:00:02Z',
      },
      // an agent message relayed in an earlier session: outgoing, with the look-alike user in the payload
      {
        direction: 'outgoing' as const,
        userId: 'bot',
        type: 'text',
        payload: { text: 'hi', userId: 'user_look' },
        createdAt: '2026-01-01T00:00:01Z',
      },
    ]
    expect(buildMessageHistory(page, (id) => `down_${id}`)).toEqual([
      { source: { type: 'bot' }, type: 'text', payload: { text: 'hi', userId: 'user_look' } },
      { source: { type: 'user', userId: 'down_user_1' }, type: 'text', payload: { text: 'human' } },
      { source: { type: 'bot' }, type: 'text', payload: { text: 'handoff' } },
    ])
  })

  it('finds the newest incoming message of a newest-first page', () => {
    expect(
      lastIncomingMessageId([
        { id: 'm3', direction: 'outgoing' },
        { id: 'm2', direction: 'incoming' },
        { id: 'm1', direction: 'incoming' },
      ])
    ).toBe('m2')
    expect(lastIncomingMessageId([])).toBeUndefined()
  })
})

describe('assignment timeout', () => {
  it('is due only when enabled and elapsed', () => {
    const started = '2026-01-01T00:00:00.000Z'
    const at = (s: number) => Date.parse(started) + s * 1000
    expect(timeoutDue(started, {}, at(3600))).toBe(false)
    expect(timeoutDue(started, { agentAssignedTimeoutSeconds: 10 }, at(9.9))).toBe(false)
    expect(timeoutDue(started, { agentAssignedTimeoutSeconds: 10 }, at(10))).toBe(true)
  })
})

describe('plugin data names (contract §4)', () => {
  it('are the ones the SDK gives a plugin with alias hitl', () => {
    // the plugin's states, with its alias (the bot's own, the demo brain's, have none)
    const pluginStates = Object.keys(botDefinition.withPlugins.states ?? {}).filter((name) => name.includes('#'))
    expect(pluginStates).toEqual([STATE.hitl, STATE.effectiveSessionConfig])
    expect(STATE.hitl).toBe('hitl#hitl')
    expect([TAG.downstream, TAG.upstream, TAG.humanAgentId, TAG.humanAgentName]).toEqual([
      'hitl#downstream',
      'hitl#upstream',
      'hitl#humanAgentId',
      'hitl#humanAgentName',
    ])
    expect(Object.keys(botDefinition.withPlugins.actions ?? {})).toEqual(['hitl#startHitl'])
    const wiring = botDefinition.plugins!.hitl!
    expect(wiring.interfaces.hitl).toMatchObject({
      integrationAlias: 'zoho-salesiq-hitl',
      events: { hitlAssigned: { name: 'hitlAssigned' } },
    })
  })
})
