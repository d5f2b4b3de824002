import * as sdk from '@botpress/sdk'

/**
 * The sandbox's default bot (work in progress): for now it only echoes. Its default export is an `sdk.Bot`, served
 * with `bot.start(port)` over the bot server protocol; it reaches Botpress only through its client (BP_API_URL).
 */
export const definition = new sdk.BotDefinition({})

const bot = new sdk.Bot({ actions: {}, plugins: {} })

bot.on.message('*', async ({ message, client, ctx }) => {
  if (message.direction !== 'incoming') return
  const text = typeof message.payload?.text === 'string' ? message.payload.text : message.type
  await client.createMessage({
    conversationId: message.conversationId,
    userId: ctx.botId,
    type: 'text',
    payload: { text: `You said: ${text}` },
    tags: {},
  })
})

export default bot
