// The one catalogue of error codes. Every error the API returns carries one of these codes in
// {"error": {"code", "message", "request_id", "details"?}}. Codes are stable: clients may match on them.
// A test checks every code here is documented and used somewhere in the server.

export interface ErrorCodeSpec {
  status: number;
  /** Safe public message, used when the thrower gives none. */
  message: string;
  /** What it means and what to do, for the docs. */
  description: string;
}

export const errorCatalogue = {
  VALIDATION_FAILED: {
    status: 400,
    message: 'The request is not valid',
    description: 'A field is missing, malformed or unknown; details lists every problem with its path.',
  },
  MALFORMED_JSON: {
    status: 400,
    message: 'The request body is not valid JSON',
    description: 'Send a JSON body with Content-Type: application/json.',
  },
  INVALID_ID: { status: 400, message: 'An identifier is not valid', description: 'Path or query ids are UUIDs.' },
  ORG_REQUIRED: {
    status: 400,
    message: 'org_id is required: you belong to several organizations',
    description: 'Pass ?org_id= when the caller is a member of more than one organization.',
  },
  INVALID_YAML: {
    status: 400,
    message: 'The YAML could not be parsed',
    description: 'details carries line and column of every syntax error.',
  },
  INVALID_CONFIG: {
    status: 400,
    message: 'The collector configuration is not valid',
    description: 'details carries the validation errors (code, message, path, line, column).',
  },
  SELECTOR_MATCHES_NOTHING: {
    status: 400,
    message: 'The deployment target matches no gateway',
    description: 'Pick gateway ids or a tag selector that matches at least one gateway that accepts remote config.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is too large',
    description: 'Bodies are limited (1 MiB for JSON, 4 MiB for OpAMP messages).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Unsupported content type',
    description: 'The REST API takes application/json; OpAMP over HTTP takes application/x-protobuf.',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'Authentication required',
    description: 'Send Authorization: Bearer <access token or API key>.',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    message: 'Invalid email or password',
    description: 'Login failed. The same answer is given for an unknown email and a wrong password.',
  },
  TOKEN_INVALID: {
    status: 401,
    message: 'The token is invalid, expired or revoked',
    description: 'Log in again, or use a current API key.',
  },
  INVALID_REGISTRATION_TOKEN: {
    status: 401,
    message: 'Invalid or expired registration token',
    description: 'The registration token is unknown, revoked, expired or used up. Create a new one.',
  },
  INVALID_OPAMP_TOKEN: {
    status: 401,
    message: 'Invalid OpAMP token',
    description: 'The gateway token is unknown, expired, revoked or rotated. Re-enrol the gateway or rotate its token.',
  },
  FORBIDDEN: {
    status: 403,
    message: 'Your role does not allow this action',
    description: 'Ask an owner or admin of the organization for a role that allows it.',
  },
  INSTANCE_MISMATCH: {
    status: 403,
    message: 'Instance ID does not match token',
    description: 'The heartbeat or config request names another gateway than the one the token was issued for.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'Not found',
    description: 'The resource does not exist, or it belongs to an organization you are not a member of.',
  },
  GATEWAY_NOT_FOUND: {
    status: 404,
    message: 'Gateway not found',
    description: 'No gateway with this id in this organization.',
  },
  TEMPLATE_NOT_FOUND: {
    status: 404,
    message: 'Template not found',
    description: 'No template (or template version) with this id in this organization.',
  },
  DEPLOYMENT_NOT_FOUND: {
    status: 404,
    message: 'Deployment not found',
    description: 'No deployment with this id in this organization.',
  },
  CONFLICT: {
    status: 409,
    message: 'The resource was changed or already exists',
    description: 'Reload and try again.',
  },
  STALE_VERSION: {
    status: 409,
    message: 'The template changed since you loaded it',
    description: 'base_version is not the latest version; reload, merge and save again.',
  },
  ALREADY_EXISTS: {
    status: 409,
    message: 'A resource with this name already exists',
    description: 'Names are unique per organization.',
  },
  TEMPLATE_IN_USE: {
    status: 409,
    message: 'The template is used by an active deployment',
    description: 'Finish, cancel or roll back the deployment first.',
  },
  SECRET_IN_USE: {
    status: 409,
    message:
      'The secret is referenced by a gateway configuration or a template: ' +
      'remove the reference or deploy a configuration without it, or delete with ?force=true',
    description:
      "A gateway's desired or applied configuration, the latest version of a template or the version of " +
      'an active deployment references ${secret:NAME}; details.used_by lists them (first 20, ' +
      'kind gateway or template) and details.total counts them. Remove the reference and deploy a ' +
      'configuration without it, or delete with ?force=true (those gateways then cannot receive that ' +
      'configuration until the secret exists again).',
  },
  CAPABILITY_MISSING: {
    status: 409,
    message: 'The gateway does not support this command',
    description: 'The agent did not announce the needed OpAMP capability (e.g. AcceptsRestartCommand).',
  },
  GATEWAY_NOT_CONNECTED: {
    status: 409,
    message: 'The gateway is not connected',
    description: 'Commands need a live OpAMP connection; wait for the gateway to reconnect.',
  },
  GATEWAY_HAS_NO_TOKEN: {
    status: 409,
    message:
      'The gateway has no OpAMP token of its own: it was enrolled zero-touch and connects ' +
      'with its registration token. Revoke that registration token to cut it off',
    description:
      'Revoking a gateway token is refused for a gateway enrolled zero-touch (auth.method registration_token): ' +
      'its supervisor presents the registration token on every connection, ' +
      'so there is no token of its own to revoke. Revoke the registration token ' +
      "(DELETE /api/v1/registration-tokens/{id}, named in the gateway's auth.registration_token) " +
      'to cut it off (that cuts off every gateway enrolled zero-touch with it). ' +
      'Rotating still works: it issues the gateway a token of its own to configure it with.',
  },
  INVALID_STATE: {
    status: 409,
    message: 'The action is not possible in the current state',
    description: 'For example resuming a deployment that is not paused.',
  },
  LAST_OWNER: {
    status: 409,
    message: 'An organization must keep at least one owner',
    description: 'Add another owner before removing or demoting this one.',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests',
    description: 'Wait for the number of seconds in Retry-After.',
  },
  INTERNAL: {
    status: 500,
    message: 'Internal server error',
    description: 'A bug on our side; the request id identifies it in the server logs.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    message: 'The database is not reachable',
    description: 'The server keeps running and recovers when the database returns.',
  },
  DRY_RUN_TIMEOUT: {
    status: 504,
    message: 'The dry-run did not finish in time',
    description:
      'The collector did not start or return the output within the ' +
      'dry-run time limit (30 s); simplify the processors or try again.',
  },
  DRY_RUN_UNAVAILABLE: {
    status: 503,
    message: 'Dry-run is not available',
    description: 'The gateway collector binary is not built (npm run gateway:build) or all dry-run slots are busy.',
  },
  // ── logs (log studio) ──
  LOG_SAMPLE_EMPTY: {
    status: 400,
    message: 'The sample has no log lines',
    description: 'Send at least one non-empty line (lines, content, a saved sample or a gateway sample).',
  },
  LOG_SAMPLE_INVALID: {
    status: 400,
    message: 'The sample could not be read in its format',
    description:
      'content must match format: text (one line per log line), jsonl (JSON objects, one per line) or otlp_json ' +
      '(an OTLP/JSON logs export with resourceLogs); the message says what is wrong.',
  },
  LOG_SAMPLE_NOT_FOUND: {
    status: 404,
    message: 'Log sample not found',
    description: 'No saved log sample with this id in this organization (the oldest are deleted beyond 50).',
  },
  LOG_MINING_BUSY: {
    status: 503,
    message: 'Too many log samples are being mined at once',
    description: 'Mining runs a few samples at a time per server; retry after the seconds in Retry-After.',
  },
  LOG_GATEWAY_SAMPLE_UNAVAILABLE: {
    status: 503,
    message: 'Live samples from gateways are not available',
    description:
      'Taking a log sample from a gateway needs the gateway snapshot API; until it is available, paste or ' +
      'upload a sample instead.',
  },
  LOG_ACTIONS_INVALID: {
    status: 400,
    message: 'The log actions are not valid',
    description: 'details.problems lists every problem of the blocks with its path (blocks[i].config.…) and code.',
  },
  LOG_AI_NOT_CONFIGURED: {
    status: 409,
    message: 'AI assist is not configured for this organization',
    description:
      'Set settings.log_ai (enabled, url, model, api_key_secret) with PUT /api/v1/settings; nothing is sent ' +
      'anywhere until it is.',
  },
  LOG_AI_TIMEOUT: {
    status: 504,
    message: 'The AI endpoint did not answer in time',
    description: 'The configured OpenAI-compatible endpoint did not answer within log_ai.timeout_ms.',
  },
  LOG_AI_FAILED: {
    status: 502,
    message: 'The AI endpoint gave no usable answer',
    description:
      'The endpoint answered an HTTP error, refused, or sent something that is not the expected JSON; the ' +
      'message says which. Suggestions fall back to the deterministic suggester.',
  },
  // ──
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof errorCatalogue;
export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];
