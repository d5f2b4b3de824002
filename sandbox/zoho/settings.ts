import { z } from 'zod'

/**
 * Every knob of the emulator. All of them can be changed at runtime through `PUT /_emulator/settings`,
 * so one running emulator can play each documented variant of Zoho's behaviour.
 */
export const settingsSchema = z
  .object({
    /** Access-token lifetime. Zoho: 1 hour. */
    tokenLifetimeSec: z.number().int().positive(),
    /** 'documented' = {expires_in: seconds}; 'legacy' (real CA traffic, 2026) = {expires_in_sec, expires_in: milliseconds}. */
    tokenResponseShape: z.enum(['documented', 'legacy']),
    /** HTTP status of 1002/1008 answers: docs say 200, real visitor-API traffic showed 400, some clients expect 401. */
    invalidTokenStatus: z.union([z.literal(200), z.literal(400), z.literal(401)]),
    /** HTTP status of every other SalesIQ error body. Zoho's docs: "errors, too, come with HTTP 200". */
    errorStatus: z.union([z.literal(200), z.literal(400)]),
    /** Zoho: at most 10 token requests per refresh token per 10 minutes, then blocked until the window ends. */
    throttleLimit: z.number().int().nonnegative(),
    throttleWindowMs: z.number().int().positive(),
    /** Zoho's blog shows the "Access Denied" body with HTTP 200; some clients saw 400. */
    throttleStatus: z.union([z.literal(200), z.literal(400)]),
    /** Zoho: 10–15 active access tokens per refresh token; the oldest is invalidated. */
    maxActiveTokensPerRefreshToken: z.number().int().positive(),
    /** Zoho: a failed delivery is retried after 1 minute, 3 times. */
    webhookRetryIntervalMs: z.number().int().nonnegative(),
    webhookMaxRetries: z.number().int().nonnegative(),
    /** Zoho: no answer within 5 s is a failure. */
    webhookTimeoutMs: z.number().int().positive(),
    /** Real traffic carries `"version":1` (number); Zoho's docs print `"1"`. */
    webhookVersionAsString: z.boolean(),
    /** Real traffic: attender.updated can arrive ~100 ms after the open-conversation call returns. */
    autoAssignDelayMs: z.number().int().nonnegative(),
    /** Operators' offline `status_code` is undocumented ("1" available and "3" busy are): the code to send, null = none. */
    offlineStatusCode: z.string().min(1).nullable(),
    /**
     * How apps show `business_hours` (undocumented beyond a true/false on create): 'status' = `{enabled, status:
     * "open"|"closed"}`, 'boolean' = just `true|false` (inside or outside not shown), 'schedule' = `{enabled, timezone,
     * timings: [{day, from, to}]}`.
     */
    businessHoursShape: z.enum(['status', 'boolean', 'schedule']),
    /** `leavemessage` is documented as POST, the Mobilisten SDK uses PUT (A3): which ones this portal accepts. */
    leaveMessageMethods: z.enum(['both', 'post', 'put']),
    /** Code of the refusal when an app takes no offline messages (undocumented): 1016 permission denied by default. */
    offlineMessagesRefusalCode: z.number().int().positive(),
    /** Zoho's HEAD check on webhook create/update: 200 required, 5 s read timeout. */
    headCheckTimeoutMs: z.number().int().positive(),
    /** Zobot/widget webhooks refuse URLs with an explicit port; off by default because sandbox URLs carry ports. */
    rejectUrlsWithPort: z.boolean(),
    /** ((emulator-only)) the consent page redirects at once instead of showing an Accept button. */
    autoConsent: z.boolean(),
    /** `location` put on the OAuth redirect (the data-centre key). */
    location: z.enum(['us', 'eu', 'in', 'au', 'cn', 'jp', 'ca', 'sa']),
    /** Operator attachment URLs need the OAuth header (inference); true serves a public emulator URL instead. */
    attachmentUrlsPublic: z.boolean(),
    /** Closing an already-closed chat: undocumented; 'error' answers 1016, 'idempotent' answers the closed chat again. */
    closeClosedConversation: z.enum(['error', 'idempotent']),
    /** Largest file the visitor API accepts (Zoho: 50 MB); lower it to test 1027 without sending 50 MB. */
    maxUploadBytes: z.number().int().positive(),
    /**
     * Where an operator file sits in `operator.replied` and in the REST message list: undocumented, never seen (A2,
     * A8). 'file' = `message.file {name, url, content_type, size}`; 'attachments' = `message.attachments [{name, url,
     * contenttype, size}]` (Zobot shape); 'attachment' = `message.attachment {…}` (singular); 'meta_file_url' =
     * `meta {file_url, file_name, content_type, size}`; 'type_file' = `type: "file"` with `url`, `file_name` on the
     * message; 'unknown' = a shape no one parses (`message.content {key, label}`, no URL).
     */
    operatorFileShape: z.enum(['file', 'attachments', 'attachment', 'meta_file_url', 'type_file', 'unknown']),
    /** Ids in deliveries as JSON numbers (17+ digits, beyond a double's precision) instead of strings (real traffic). */
    webhookIdsAsNumbers: z.boolean(),
    /**
     * `entity.visitor` of deliveries. 'real' (A8): `{id, name, type: "contact", first_name, last_name, salutation,
     * channel: "website"}`, no `user_id`, no `email`. 'documented' (§5): `{id, name, email, email_id, user_id, channel}`.
     */
    webhookVisitorShape: z.enum(['real', 'documented']),
    /** REST message list: sender `{id, name}` without `type` (Zoho's documented sample) or with `type`. */
    restMessageSender: z.enum(['untyped', 'typed']),
    /**
     * REST message ids (never seen, A8): 'msgid' = `id` and `msgid` both the webhook's msgid; 'id' = only `id`, equal
     * to it; 'distinct' = only an `id` of its own (a different value from the webhook's msgid) and `sequence_id`.
     */
    restMessageIds: z.enum(['msgid', 'id', 'distinct']),
    /** Error for an action on a chat that is over (no code documented, A4): code and, when set, the exact message. */
    endedChatErrorCode: z.number().int().positive(),
    endedChatErrorMessage: z.string().min(1).optional(),
    /** ((emulator-only)) base URL used in attachment links and `accounts-server`; defaults to the listen URL. */
    publicUrl: z.string().url().optional(),
  })
  .strict()

export type ZohoEmulatorSettings = z.infer<typeof settingsSchema>

export const defaultSettings: ZohoEmulatorSettings = {
  tokenLifetimeSec: 3600,
  tokenResponseShape: 'documented',
  invalidTokenStatus: 400,
  errorStatus: 200,
  throttleLimit: 10,
  throttleWindowMs: 600_000,
  throttleStatus: 200,
  maxActiveTokensPerRefreshToken: 15,
  webhookRetryIntervalMs: 60_000,
  webhookMaxRetries: 3,
  webhookTimeoutMs: 5000,
  webhookVersionAsString: false,
  autoAssignDelayMs: 100,
  offlineStatusCode: '0',
  businessHoursShape: 'status',
  leaveMessageMethods: 'both',
  offlineMessagesRefusalCode: 1016,
  headCheckTimeoutMs: 5000,
  rejectUrlsWithPort: false,
  autoConsent: false,
  location: 'us',
  attachmentUrlsPublic: false,
  closeClosedConversation: 'error',
  maxUploadBytes: 50 * 1024 * 1024,
  operatorFileShape: 'file',
  webhookIdsAsNumbers: false,
  webhookVisitorShape: 'real',
  restMessageSender: 'untyped',
  restMessageIds: 'msgid',
  endedChatErrorCode: 1016,
}

export const settingsPatchSchema = settingsSchema.partial()
