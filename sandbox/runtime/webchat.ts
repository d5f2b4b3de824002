import { Client } from '@botpress/client'
import { z } from 'zod'
import { ApiError } from '../botpress/errors'

/** The emulated webchat integration: its name (the alias the bot calls it by) and its one channel. */
export const WEBCHAT = 'webchat'
export const WEBCHAT_CHANNEL = 'channel'

const getOrCreateUserInput = z.object({
  name: z.string().optional(),
  pictureUrl: z.string().optional(),
  email: z.string().optional(),
  user: z.object({ id: z.string().min(1), conversationId: z.string().min(1) }),
})

/**
 * What Botpress's webchat integration does for the sandbox: it owns the visitors' users and conversations (channel
 * `channel`), brings their messages in (as an integration, so they are incoming), and offers `getOrCreateUser`, the
 * action the HITL plugin calls to show the agent's name and picture in the chat. Messages the bot writes on its
 * conversations are simply stored; the visitor API reads them back.
 */
export class Webchat {
  readonly client: Client

  constructor(apiUrl: string, botId: string) {
    this.client = new Client({
      apiUrl,
      botId,
      integrationId: WEBCHAT,
      integrationAlias: WEBCHAT,
      retry: { retries: 0 },
    })
  }

  async createVisitor(name: string, email?: string): Promise<{ userId: string; conversationId: string }> {
    const { user } = await this.client.createUser({ name, tags: email ? { email } : {} })
    const { conversation } = await this.client.createConversation({
      channel: WEBCHAT_CHANNEL,
      tags: { visitor: user.id },
    })
    return { userId: user.id, conversationId: conversation.id }
  }

  /** `webchat:<name>` of callAction. */
  async callAction(name: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (name !== 'getOrCreateUser')
      throw new ApiError(
        'ResourceNotFound',
        `Action "webchat:${name}" is not emulated (the sandbox's webchat has getOrCreateUser)`
      )
    const parsed = getOrCreateUserInput.safeParse(input)
    if (!parsed.success)
      throw new ApiError(
        'Runtime',
        `webchat:getOrCreateUser: invalid input (${parsed.error.issues.map((i) => `"${i.path.join('.')}": ${i.message}`).join('; ')})`
      )
    return this.getOrCreateUser(parsed.data)
  }

  /** A look-alike of another user (the agent), one per original user; its name and picture follow the original. */
  private async getOrCreateUser(input: z.infer<typeof getOrCreateUserInput>): Promise<{ userId: string }> {
    const tags = { lookalikeOf: input.user.id, ...(input.email ? { email: input.email } : {}) }
    const { user } = await this.client.getOrCreateUser({
      tags,
      discriminateByTags: ['lookalikeOf'],
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.pictureUrl !== undefined ? { pictureUrl: input.pictureUrl } : {}),
    })
    if (
      (input.name !== undefined && user.name !== input.name) ||
      (input.pictureUrl !== undefined && user.pictureUrl !== input.pictureUrl)
    )
      await this.client.updateUser({ id: user.id, name: input.name, pictureUrl: input.pictureUrl })
    return { userId: user.id }
  }
}
