/**
 * SalesIQ's error envelope: `{"error":{"code":N,"message":"…"}}` plus optional `json_key`/`param`/`header`
 * (Addenda A4). The HTTP status is chosen by the error handler from the settings: 1002/1008 use
 * `invalidTokenStatus` (real traffic: 400), everything else `errorStatus` (docs: 200).
 */
export class SiqError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: { json_key?: string; param?: string; header?: string } = {}
  ) {
    super(message)
  }

  get isAuth(): boolean {
    return this.code === 1002 || this.code === 1008
  }

  toBody(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } }
  }
}

export const siq = {
  badAuthHeader: (why: string) =>
    new SiqError(1002, `Invalid authorization header: ${why}. Send "Authorization: Zoho-oauthtoken <access token>".`, {
      header: 'Authorization',
    }),
  // Exact message seen in real traffic (no trailing dot there; the docs print "Invalid OAuthToken.").
  invalidToken: () => new SiqError(1008, 'Invalid OAuthToken'),
  scope: (needed: string) => new SiqError(1009, `Invalid OAuth scope: this call needs ${needed} (or its .ALL form)`),
  portal: (screen: string) => new SiqError(1005, `Invalid portal or wrong screen name. No portal '${screen}'.`),
  param: (name: string, why = 'is required') =>
    new SiqError(1011, `Invalid or absent parameter: '${name}' ${why}`, { json_key: name }),
  dataType: (name: string, expected: string) =>
    new SiqError(1007, `Invalid data type: '${name}' must be ${expected}`, { json_key: name }),
  exists: (what: string) => new SiqError(1014, `Resource already exists: ${what}`),
  inputStream: (why: string) => new SiqError(1015, `Invalid or absent input stream: ${why}`),
  // ((emulator choice)) Zoho documents no code for "conversation already ended": 1016 permission denied by default;
  // the code and wording are settings (endedChatErrorCode / endedChatErrorMessage).
  ended: (id: string, state: string, code = 1016, message?: string) =>
    new SiqError(
      code,
      message ?? `Permission denied: conversation ${id} is ${state}; it no longer accepts this action`
    ),
  limit: (what: string) => new SiqError(1017, `Limit reached: ${what}`),
  emptyFile: () => new SiqError(1018, 'Empty file: the uploaded file has no content', { param: 'file' }),
  resource: (kind: string, id: string) => new SiqError(1019, `Invalid resource: no ${kind} with id '${id}'`),
  operator: (id: string, why: string) => new SiqError(1020, `Invalid operator '${id}': ${why}`),
  department: (id: string, why: string) =>
    new SiqError(1025, `Invalid department ids: '${id}' ${why}`, { json_key: 'department_id' }),
  fileTooLarge: (size: number, max: number) =>
    new SiqError(1027, `File too large: ${size} bytes (maximum ${max} bytes)`, { param: 'file' }),
  contentType: (ct: string) =>
    new SiqError(1054, `Invalid header value: content-type '${ct}' is not accepted here`, { header: 'content-type' }),
  requestType: (method: string) => new SiqError(1004, `Invalid request type: ${method} is not accepted here`),
  url: (method: string, path: string) =>
    new SiqError(1006, `Invalid URL: no SalesIQ route for ${method} ${path} ((emulator))`),
}

/** Errors of the ((emulator-only)) control API: plain `{error: message}` with an HTTP status. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}
