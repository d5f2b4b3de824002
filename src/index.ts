import * as bp from '.botpress'
import { getAvailability } from './availability/get-availability'
import { leaveMessage } from './offline/leave-message'
import { createUser } from './hitl/create-user'
import { hitlChannel } from './hitl/channel'
import { startHitl } from './hitl/start-hitl'
import { stopHitl } from './hitl/stop-hitl'
import { register } from './setup/register'
import { unregister } from './setup/unregister'
import { handler } from './webhook'

export default new bp.Integration({
  register,
  unregister,
  actions: { createUser, startHitl, stopHitl, getAvailability, leaveMessage },
  channels: { hitl: hitlChannel },
  handler,
})
