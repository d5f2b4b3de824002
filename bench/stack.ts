import { startStack, type Stack, type StackOptions } from '../sandbox/stack'
import { placeIntegration, placeSelf } from './cpu'

/** The sandbox stack without its bot (the load generator plays it), integration processes on their own CPU. */
export async function benchStack(opts: StackOptions = {}): Promise<Stack> {
  placeSelf()
  const stack = await startStack({ ...opts, bot: false })
  for (const instance of stack.pool.instances) placeIntegration(instance.pid)
  return stack
}
