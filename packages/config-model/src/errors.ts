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
    description: 'Bodies are limited (1 MiB for JSON, 16 MiB for usage source uploads, 4 MiB for OpAMP messages).',
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
  // ── backend presets ──
  BACKEND_NOT_FOUND: {
    status: 404,
    message: 'Backend not found',
    description: 'No saved backend with this id in the organization.',
  },
  INVALID_BLOCK_CONFIG: {
    status: 422,
    message: 'The building block configuration is not valid',
    description:
      'details.problems lists every problem with its path and a stable code (UNKNOWN_FIELD, REQUIRED, INVALID_VALUE, ' +
      'SECRET_NOT_FOUND, SIGNAL_NOT_SUPPORTED, UNKNOWN_BLOCK_TYPE, …); nothing was stored.',
  },
  // ── gateway install ──
  GATEWAY_BUILD_UNAVAILABLE: {
    status: 404,
    message:
      'This Flowgate server has no gateway build to download: its operator runs `npm run gateway:build` ' +
      'or sets FLOWGATE_GATEWAY_BIN_DIR',
    description:
      'The control plane serves the gateway (GET /downloads/gateway/…, used by /install.sh) from its own build: ' +
      'gateway/dist next to the server, or FLOWGATE_GATEWAY_BIN_DIR. The control-plane image carries one.',
  },
  GATEWAY_PLATFORM_UNAVAILABLE: {
    status: 404,
    message: 'This Flowgate server has no gateway build for that platform',
    description:
      'details.platform is the os-arch asked for, details.available the ones the server has. Other platforms ' +
      'are cross-built with GOOS/GOARCH into <gateway build directory>/<os>-<arch>/.',
  },
  INVALID_PUBLIC_URL: {
    status: 400,
    message: 'The server cannot tell its own URL from this request: set FLOWGATE_PUBLIC_URL',
    description:
      'The install script bakes in the URL gateways reach the server at: FLOWGATE_PUBLIC_URL, else the ' +
      "request's Host and X-Forwarded-Proto, which must then form a plain http(s) URL.",
  },
  // ── inventory ──
  SNAPSHOT_TIMEOUT: {
    status: 504,
    message: 'The gateway did not answer the snapshot request in time',
    description:
      'The gateway received no matching records, or did not answer, within the capture time (timeout_s) ' +
      'plus a grace period. Send telemetry through the pipeline, or ask for another pipeline or position.',
  },
  SNAPSHOT_FAILED: {
    status: 502,
    message: 'The gateway could not take the snapshot',
    description:
      'The gateway answered the snapshot request with an error (its text is in the message), for example ' +
      'a pipeline or position that does not exist in its configuration.',
  },
  // ── usage ──
  OUTBOUND_TARGET_FORBIDDEN: {
    status: 400,
    message: 'The URL may not be called from this Flowgate',
    description:
      'Outbound calls are http(s) only, carry no credentials in the URL and never go to private, loopback or ' +
      'link-local addresses (checked on the resolved address) unless the instance sets ' +
      'FLOWGATE_ALLOW_PRIVATE_TARGETS=true.',
  },
  OUTBOUND_TIMEOUT: {
    status: 504,
    message: 'The remote server did not answer in time',
    description: 'An outbound request (usage connector) passed its deadline; the source keeps its earlier results.',
  },
  OUTBOUND_INVALID_REQUEST: {
    status: 400,
    message: 'The outbound request is not valid HTTP',
    description:
      'A header Flowgate would send (a token from a secret, a setting) holds a control character or a line ' +
      'break; fix the secret or setting. Nothing was sent.',
  },
  OUTBOUND_UNREACHABLE: {
    status: 502,
    message: 'The remote server could not be reached',
    description: 'Name resolution or the connection failed; check the URL. The source keeps its earlier results.',
  },
  OUTBOUND_RESPONSE_TOO_LARGE: {
    status: 502,
    message: 'The remote server answered more than Flowgate reads',
    description: 'Outbound answers are size-limited (32 MiB); the source keeps its earlier results.',
  },
  OUTBOUND_REDIRECT: {
    status: 502,
    message: 'The remote server answered with a redirect',
    description: 'Redirects are not followed (they could lead into a private network): configure the final URL.',
  },
  USAGE_CONTENT_MALFORMED: {
    status: 400,
    message: 'The uploaded content is not valid JSON or YAML',
    description: 'details carries the line and column of the first syntax error; nothing was stored.',
  },
  USAGE_NOT_A_DASHBOARD: {
    status: 400,
    message: 'The content is not a Grafana dashboard',
    description:
      'A dashboard upload is Grafana dashboard JSON (classic: panels or rows; v2 schema: spec.elements), the ' +
      'API envelope {dashboard, meta}, or an array of them; nothing was stored.',
  },
  USAGE_DASHBOARD_EMPTY: {
    status: 400,
    message: 'The dashboard has no panels',
    description: 'A dashboard without panels reads no metric: nothing was stored.',
  },
  USAGE_NOT_A_RULE_FILE: {
    status: 400,
    message: 'The content is not a Prometheus rule file',
    description:
      'A rule upload is YAML with "groups:" (Prometheus, Mimir, Thanos) or PrometheusRule resources, one or ' +
      'several documents; nothing was stored.',
  },
  USAGE_TOKEN_SECRET_MISSING: {
    status: 400,
    message: 'The token secret does not exist in this organization',
    description: 'token_secret names a Flowgate secret (PUT /api/v1/secrets) holding the connector token.',
  },
  USAGE_CONNECTOR_UNAUTHORIZED: {
    status: 502,
    message: 'The remote server refused the token',
    description:
      'The connector answered 401 or 403: check the service-account token in the secret and its permissions.',
  },
  USAGE_CONNECTOR_NOT_FOUND: {
    status: 502,
    message: 'The remote server does not serve the expected API at this URL',
    description: 'The connector answered 404: check the base URL (and its path prefix, e.g. /prometheus for Mimir).',
  },
  USAGE_CONNECTOR_BAD_RESPONSE: {
    status: 502,
    message: 'The remote server answered something that is not the expected API',
    description:
      'An unexpected status, HTML or a body that is not the documented JSON: the URL probably points at ' +
      'another service. The source keeps its earlier results.',
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
  // ── events, webhooks, alert rules ──
  WEBHOOK_NOT_FOUND: {
    status: 404,
    message: 'Webhook not found',
    description: 'No webhook (or delivery of it) with this id in this organization.',
  },
  INVALID_WEBHOOK: {
    status: 400,
    message: 'The webhook is not valid',
    description:
      'The URL is not http(s), carries credentials, or points at a private, loopback or link-local address ' +
      'while the instance does not allow such targets (FLOWGATE_ALLOW_PRIVATE_TARGETS / ' +
      'FLOWGATE_WEBHOOK_ALLOW_PRIVATE); an event pattern matches no event type; or the Jira/GitHub options ' +
      'are missing or name a secret the organization does not have. details says which.',
  },
  ALERT_RULE_NOT_FOUND: {
    status: 404,
    message: 'Alert rule not found',
    description: 'No alert rule with this id in this organization.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof errorCatalogue;
export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];
