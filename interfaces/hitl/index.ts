import type { InterfacePackage } from '@botpress/sdk'
import definition from './interface.definition'

/** The interface wrapped as the package `bp add hitl` would generate. */
export default {
  type: 'interface',
  name: 'hitl',
  version: '2.1.0',
  definition,
} satisfies InterfacePackage
