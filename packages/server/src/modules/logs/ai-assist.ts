// AI assist (off by default): an OpenAI-compatible chat endpoint configured per org (settings.log_ai: URL,
// model, the name of the Flowgate secret holding the key) proposes names for a pattern's variables and a
// severity mapping; the user accepts or edits them. Nothing leaves the server unless it is configured and
// enabled; what is sent is bounded (a few example lines, each cut short) and masked. Timeouts, HTTP errors,
// refusals and answers that are not the JSON asked for fall back to the deterministic suggester, with a
// note saying why.
import { maskLine, parseRegex, suggestForPattern, WILDCARD, type LogPattern as MinedPattern } from '@flowgate/analysis';
import {
  LOG_SEVERITIES,
  regexProblems,
  type LogAiSettings,
  type SuggestBody,
  type Suggestion,
} from '@flowgate/config-model';
import { AppError } from '../../platform/errors.ts';
import { OutboundError, type Outbound } from '../../platform/outbound.ts';
import type { OrgScope } from '../../platform/scope.ts';

export const AI_MAX_ANSWER_BYTES = 256 * 1024;
export const AI_DEFAULT_TIMEOUT_MS = 15_000;
const AI_DEFAULT_LINES = 10;
const AI_MAX_LINE_CHARS = 500;
const NAME = /^[a-z_][a-z0-9_.]{0,63}$/;

class AiFailure extends Error {
  constructor(
    readonly code: 'LOG_AI_TIMEOUT' | 'LOG_AI_FAILED',
    message: string,
  ) {
    super(message);
  }
}

/** The pattern as the suggester sees it: variables at the template positions of its wildcards. */
export function patternOf(body: SuggestBody): Pick<MinedPattern, 'template' | 'variables' | 'headers'> {
  const positions = body.template
    .split(' ')
    .map((t, i) => (t.includes(WILDCARD) ? i : -1))
    .filter((i) => i >= 0);
  return {
    template: body.template,
    headers: body.headers ?? [''],
    variables: positions.map((position, index) => {
      const given = body.variables.find((v) => v.index === index);
      return {
        index,
        position,
        token: body.template.split(' ')[position]!,
        distinct: given?.values.length ?? 0,
        distinct_capped: false,
        values: (given?.values ?? []).map((value) => ({ value, count: 1 })),
      };
    }),
  };
}

function deterministic(p: ReturnType<typeof patternOf>): Omit<Suggestion, 'ai' | 'notes'> {
  const s = suggestForPattern(p);
  return {
    source: 'deterministic',
    variables: s.variables.map((v) => ({ index: v.index, name: v.name, shape: v.shape, reason: v.reason })),
    parse_regex: s.parse.regex,
    severity: s.severity,
  };
}

const SYSTEM_PROMPT =
  'You help turn log lines into structured data. Given a log template (variables are <*>), example lines and ' +
  'values of each variable, answer ONLY with a JSON object: {"variables": [{"index": <n>, "name": "<snake_case ' +
  'attribute name, e.g. client_ip, http.status_code, duration_ms>"}], "severity": null or {"variable": <index of ' +
  'the variable that tells the severity>, "mapping": [{"match": "<RE2 regex on that value>", "severity": ' +
  '"trace|debug|info|warn|error|fatal"}]}}. Prefer OpenTelemetry semantic-convention names.';

/** What is sent: the template, a few masked example lines cut short, up to five values per variable, masked. */
export function aiRequest(body: SuggestBody, settings: LogAiSettings, secretValues: string[]) {
  const lines = body.examples
    .slice(0, settings.max_sample_lines ?? AI_DEFAULT_LINES)
    .map((l) => maskLine(l.slice(0, AI_MAX_LINE_CHARS), secretValues).line);
  const user = JSON.stringify({
    template: body.template,
    examples: lines,
    variables: body.variables.map((v) => ({
      index: v.index,
      token: v.token,
      values: v.values.slice(0, 5).map((x) => maskLine(x.slice(0, 100), secretValues).line),
    })),
  });
  return {
    payload: {
      model: settings.model,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: user },
      ],
    },
    sent: { lines: lines.length, bytes: Buffer.byteLength(user) },
  };
}

/** The model's JSON answer checked field by field; anything else is LOG_AI_FAILED with what was wrong. */
export function parseAiAnswer(text: string, variableCount: number) {
  let envelope: { choices?: { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }[] };
  try {
    envelope = JSON.parse(text);
  } catch {
    throw new AiFailure('LOG_AI_FAILED', 'The endpoint did not answer JSON');
  }
  const choice = envelope?.choices?.[0];
  if (!choice?.message) throw new AiFailure('LOG_AI_FAILED', 'The answer has no choices[0].message');
  if (choice.message.refusal || choice.finish_reason === 'content_filter')
    throw new AiFailure('LOG_AI_FAILED', `The model refused: ${String(choice.message.refusal ?? 'content filter')}`);
  const content = typeof choice.message.content === 'string' ? choice.message.content.trim() : '';
  if (!content) throw new AiFailure('LOG_AI_FAILED', 'The model answered nothing');
  let answer: { variables?: unknown; severity?: unknown };
  try {
    answer = JSON.parse(content.replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    throw new AiFailure('LOG_AI_FAILED', `The model's answer is not the JSON asked for: ${content.slice(0, 120)}`);
  }
  if (!Array.isArray(answer.variables)) throw new AiFailure('LOG_AI_FAILED', 'The answer has no "variables" list');
  const names = new Map<number, string>();
  for (const v of answer.variables as { index?: unknown; name?: unknown }[]) {
    const index = Number(v?.index);
    const name = String(v?.name ?? '').toLowerCase();
    if (Number.isInteger(index) && index >= 0 && index < variableCount && NAME.test(name)) names.set(index, name);
  }
  if (names.size === 0 && variableCount > 0)
    throw new AiFailure('LOG_AI_FAILED', 'The answer names no variable of the template');
  let severity: Suggestion['severity'] = null;
  const s = answer.severity as { variable?: unknown; mapping?: unknown } | null | undefined;
  if (s && Number.isInteger(Number(s.variable)) && Array.isArray(s.mapping)) {
    const mapping = (s.mapping as { match?: unknown; severity?: unknown }[])
      .map((m) => ({ match: String(m?.match ?? ''), severity: String(m?.severity ?? '') }))
      .filter(
        (m) =>
          m.match &&
          (LOG_SEVERITIES as readonly string[]).includes(m.severity) &&
          regexProblems(m.match, 'match').length === 0,
      );
    if (mapping.length && Number(s.variable) < variableCount) severity = { variable: Number(s.variable), mapping };
  }
  return { names, severity };
}

export function createAiAssist(deps: {
  settings: (scope: OrgScope) => Promise<LogAiSettings | null | undefined>;
  /** The secret's value, or null when the org has no secret of that name. */
  secretValue: (scope: OrgScope, name: string) => Promise<string | null>;
  secretValues: (scope: OrgScope) => Promise<string[]>;
  /** platform/outbound.ts: time limit, answer size limit, no redirects, the private-target rule. */
  outbound: Pick<Outbound, 'request'>;
}) {
  async function ask(scope: OrgScope, settings: LogAiSettings, body: SuggestBody) {
    let key: string | null = null;
    if (settings.api_key_secret) {
      key = await deps.secretValue(scope, settings.api_key_secret);
      if (key === null)
        throw new AiFailure('LOG_AI_FAILED', `The secret "${settings.api_key_secret}" named by log_ai does not exist`);
    }
    const { payload, sent } = aiRequest(body, settings, await deps.secretValues(scope));
    const timeoutMs = settings.timeout_ms ?? AI_DEFAULT_TIMEOUT_MS;
    let res;
    try {
      res = await deps.outbound.request({
        url: `${settings.url.replace(/\/+$/, '')}/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify(payload),
        timeoutMs,
        maxBytes: AI_MAX_ANSWER_BYTES,
      });
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      if (err.code === 'OUTBOUND_TIMEOUT') throw new AiFailure('LOG_AI_TIMEOUT', `No answer within ${timeoutMs} ms`);
      if (err.code === 'OUTBOUND_RESPONSE_TOO_LARGE')
        throw new AiFailure('LOG_AI_FAILED', `The answer is larger than ${AI_MAX_ANSWER_BYTES / 1024} KiB`);
      throw new AiFailure('LOG_AI_FAILED', `The endpoint could not be called: ${err.message}`);
    }
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status >= 300)
      throw new AiFailure('LOG_AI_FAILED', `The endpoint answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    return { ...parseAiAnswer(text, body.template.split(WILDCARD).length - 1), sent };
  }

  return {
    async suggest(scope: OrgScope, body: SuggestBody): Promise<Suggestion> {
      const pattern = patternOf(body);
      const base = deterministic(pattern);
      const settings = await deps.settings(scope);
      const configured = Boolean(settings?.enabled);
      if (!settings || !settings.enabled || body.use_ai === false)
        return {
          ...base,
          notes: configured ? ['AI assist was not asked (use_ai: false)'] : [],
          ai: { configured, status: 'off', error: null, sent: null },
        };
      try {
        const { names, severity, sent } = await ask(scope, settings, body);
        const variables = base.variables.map((v) =>
          names.has(v.index) ? { ...v, name: names.get(v.index)!, reason: 'suggested by the AI model' } : v,
        );
        return {
          source: 'ai',
          variables,
          parse_regex: parseRegex(
            pattern,
            variables.map((v) => v.name),
          ),
          severity: severity ?? base.severity,
          notes:
            names.size < base.variables.length
              ? ['The model named only some variables; the rest are deterministic']
              : [],
          ai: { configured, status: 'ok', error: null, sent },
        };
      } catch (err) {
        if (!(err instanceof AiFailure)) throw err;
        return {
          ...base,
          notes: [`AI assist failed (${err.message}): these are the deterministic suggestions`],
          ai: { configured, status: 'failed', error: { code: err.code, message: err.message }, sent: null },
        };
      }
    },

    /** A round trip with a one-line pattern, for the settings page: errors are the AI error codes. */
    async test(scope: OrgScope) {
      const settings = await deps.settings(scope);
      if (!settings?.enabled) throw new AppError('LOG_AI_NOT_CONFIGURED');
      const started = Date.now();
      try {
        await ask(scope, settings, {
          template: 'user <*> logged in from <*>',
          examples: ['user alice logged in from 10.0.0.1'],
          variables: [
            { index: 0, token: '<*>', values: ['alice'] },
            { index: 1, token: '<*>', values: ['10.0.0.1'] },
          ],
        });
      } catch (err) {
        if (err instanceof AiFailure) throw new AppError(err.code, err.message);
        throw err;
      }
      return { ok: true as const, model: settings.model, duration_ms: Date.now() - started };
    },
  };
}
export type AiAssist = ReturnType<typeof createAiAssist>;
