import * as sdk from '@botpress/sdk'
import { onChatMissed, onChatRated } from './after-chat'
import { onUserMessage } from './brain'
import { botDefinition } from './definition'
import { PLUGIN_ALIAS } from './hitl/names'
import { hitlPlugin } from './hitl/plugin'

/**
 * The sandbox's default bot: a real `sdk.Bot`, bundled by `npm run build` to .botpress/sandbox-bot/index.cjs and
 * served with `bot.start(port)` over the bot server protocol. It reaches Botpress only through its client
 * (BP_API_URL). Its HITL part is a plugin built from the facts of Botpress's HITL plugin (./hitl), wired as bp's
 * generated code wires a plugin: initialized with what `BotDefinition.addPlugin` resolved.
 */
const wiring = botDefinition.plugins![PLUGIN_ALIAS]!

const bot = new sdk.Bot({
  actions: {},
  plugins: {
    [PLUGIN_ALIAS]: hitlPlugin.initialize({
      alias: wiring.alias,
      configuration: wiring.configuration,
      interfaces: wiring.interfaces,
      integrations: wiring.integrations,
    }),
  },
})

bot.on.message('*', onUserMessage as never)
// The integration's own events (declared by addIntegration in definition.ts), for the brain's after-chat words.
bot.on.event('zoho-salesiq-hitl:chatRated' as never, onChatRated as never)
bot.on.event('zoho-salesiq-hitl:chatMissed' as never, onChatMissed as never)

export default bot
