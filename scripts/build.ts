/**
 * Bundles the integration like `bp build`: .botpress/dist/index.cjs, CommonJS for Node, whose `default` export is the
 * sdk.Integration (with .start(port) and .handler) and which also exports `handler`.
 */
import { build } from 'esbuild'
import path from 'node:path'
import { root } from './load-definition'

export async function buildIntegration(): Promise<string> {
  const outfile = path.join(root, '.botpress', 'dist', 'index.cjs')
  await build({
    stdin: {
      contents:
        "import integration from './src/index'\nexport default integration\nexport const handler = integration.handler\n",
      resolveDir: root,
      sourcefile: 'entry.ts',
      loader: 'ts',
    },
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

if (require.main === module) {
  buildIntegration().then(
    (file) => console.log(`wrote ${path.relative(root, file)}`),
    (err) => {
      console.error(err)
      process.exit(1)
    }
  )
}
