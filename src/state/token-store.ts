import type * as bp from '.botpress'
import type { StoredToken, Throttle, TokenStore } from '../zoho/token-manager'
import { readIntegrationState } from './read-state'

/**
 * The token manager's shared store: Botpress integration state, so every instance of the integration sees the same
 * access token, the same refresh lease and the same throttle (Botpress Cloud runs many instances).
 */
export class BotpressTokenStore implements TokenStore {
  constructor(private readonly props: bp.CommonHandlerProps) {}

  private get id() {
    return this.props.ctx.integrationId
  }

  async readToken(): Promise<StoredToken | undefined> {
    return readIntegrationState(this.props, 'accessToken')
  }

  async writeToken(token: StoredToken): Promise<void> {
    await this.props.client.setState({ type: 'integration', id: this.id, name: 'accessToken', payload: token })
  }

  async acquireLease(holder: string, ttlMs: number): Promise<boolean> {
    // getOrSetState is atomic on Botpress's side: of two instances asking at once, one sees the other's holder.
    const { state } = await this.props.client.getOrSetState({
      type: 'integration',
      id: this.id,
      name: 'tokenRefreshLease',
      payload: { holder, until: Date.now() + ttlMs },
      expiry: ttlMs,
    })
    const lease = state.payload
    return lease.holder === holder || lease.until < Date.now()
  }

  async releaseLease(holder: string): Promise<void> {
    const lease = await readIntegrationState(this.props, 'tokenRefreshLease')
    if (lease?.holder === holder)
      await this.props.client.setState({ type: 'integration', id: this.id, name: 'tokenRefreshLease', payload: null })
  }

  async readThrottle(): Promise<Throttle | undefined> {
    return readIntegrationState(this.props, 'tokenThrottle')
  }

  async writeThrottle(throttle: Throttle | undefined): Promise<void> {
    await this.props.client.setState({
      type: 'integration',
      id: this.id,
      name: 'tokenThrottle',
      payload: throttle ?? null,
    })
  }
}
