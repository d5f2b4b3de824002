import path from 'node:path'
import { startServedBundle, type ServedProcess } from './served-bundle'

export { freePort } from './served-bundle'

/** The built bundle, exactly what Botpress Cloud runs (`npm run build` makes it; `npm test` builds first). */
export const BUNDLE = path.resolve(__dirname, '../../.botpress/dist/index.cjs')

export type IntegrationProcess = ServedProcess

/**
 * One instance of the integration in its own Node process, as Botpress Cloud runs it: `default.start(port)` of the
 * bundle. Several can run side by side (stateless instances sharing one Botpress API).
 */
export const startIntegration = (env: Record<string, string>): Promise<IntegrationProcess> =>
  startServedBundle({ bundle: BUNDLE, env, what: 'integration' })
