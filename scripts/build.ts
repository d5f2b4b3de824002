/**
 * Bundles the integration like `bp build`: .botpress/dist/index.cjs, CommonJS for Node, whose `default` export is the
 * sdk.Integration (with .start(port) and .handler) and which also exports `handler`. Also bundles the sandbox's own
 * bot (sandbox/bot/index.ts, an sdk.Bot) the same way to .botpress/sandbox-bot/index.cjs.
 */
import { build } from 'esbuild'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { root } from './load-definition'

/** esbuild with the options `bp build` uses; `entry` is the bundle's source (it must export default + handler). */
export async function bundleEntry(entry: string, outfile: string): Promise<string> {
  await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2020',
    keepNames: true,
    sourcemap: true,
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
  })
  return outfile
}

export const buildIntegration = () =>
  bundleEntry(
    "import integration from './src/index'\nexport default integration\nexport const handler = integration.handler\n",
    path.join(root, '.botpress', 'dist', 'index.cjs')
  )

/** The sandbox's bot, when its source is there (undefined otherwise). */
export const buildSandboxBot = async (): Promise<string | undefined> => {
  if (!existsSync(path.join(root, 'sandbox', 'bot', 'index.ts'))) return undefined
  return bundleEntry(
    "import bot from './sandbox/bot/index'\nexport default bot\nexport const handler = bot.handler\n",
    path.join(root, '.botpress', 'sandbox-bot', 'index.cjs')
  )
}

if (require.main === module) {
  Promise.all([buildIntegration(), buildSandboxBot()]).then(
    (files) => {
      for (const file of files) if (file) console.log(`wrote ${path.relative(root, file)}`)
    },
    (err) => {
      console.error(err)
      process.exit(1)
    }
  )
}
