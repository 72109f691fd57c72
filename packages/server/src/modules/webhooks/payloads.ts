// What a delivery sends, per format. Pure: an event in, an HTTP request out.
//   json    the event as JSON, signed: x-flowgate-signature: sha256=<hex HMAC-SHA256 of the raw body>; the
//           body carries `timestamp` (the same as x-flowgate-timestamp), so the signature covers it and a
//           receiver can refuse replays older than a few minutes
//   slack   a Slack incoming-webhook message: one readable line, the details, a link to the console
//   jira    POST {site}/rest/api/2/issue (Jira Cloud: Basic email:API token; Server/DC: Bearer PAT)
//   github  POST {api}/repos/{owner}/{repo}/issues (Bearer token, the GitHub REST API's headers)
import { createHmac } from 'node:crypto';
import { summarizeEvent, type DomainEvent } from '@flowgate/config-model';
import type { WebhookRow } from './webhooks.store.ts';

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export const signatureOf = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** "Label: value" lines a person wants to read about an event (reason, figures, errors). */
export function detailLines(e: DomainEvent): string[] {
  const d = e.data;
  const lines: string[] = [];
  const add = (label: string, v: unknown) => {
    if (v === undefined || v === null || v === '') return;
    lines.push(`${label}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  };
  if (typeof d.cause === 'string') add('Cause', d.cause.replace(/_/g, ' '));
  add('Reason', d.reason);
  add('Error', d.error);
  const findings = Array.isArray(d.findings) ? (d.findings as { message?: unknown }[]) : [];
  for (const f of findings.slice(0, 10)) if (typeof f.message === 'string') lines.push(`• ${f.message}`);
  if (findings.length > 10) lines.push(`• … and ${findings.length - 10} more`);
  if (typeof d.batch === 'number' && typeof d.batches === 'number') add('Batch', `${d.batch + 1} of ${d.batches}`);
  add('Template', typeof d.template_name === 'string' ? `${d.template_name} v${String(d.version ?? '?')}` : undefined);
  if (typeof d.message === 'string' && e.type.startsWith('alert.')) add('Alert', d.message);
  return lines;
}

const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ICONS: Record<string, string> = {
  'deployment.failed': ':rotating_light:',
  'deployment.paused': ':double_vertical_bar:',
  'deployment.completed': ':white_check_mark:',
  'deployment.rolled_back': ':leftwards_arrow_with_hook:',
  'gateway.disconnected': ':electric_plug:',
  'gateway.config_failed': ':x:',
  'alert.fired': ':rotating_light:',
  'alert.resolved': ':white_check_mark:',
};

export function slackMessage(e: DomainEvent) {
  const summary = e.summary;
  const details = detailLines(e);
  const link = e.url ? `<${e.url}|Open in Flowgate>` : 'Flowgate';
  const icon = ICONS[e.type] ?? ':information_source:';
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${slackEscape(summary)}*` } },
  ];
  if (details.length)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: details.map(slackEscape).join('\n').slice(0, 2900) },
    });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${link} · \`${e.type}\` · <!date^${Math.floor(Date.parse(e.occurred_at) / 1000)}^{date_short_pretty} {time}|${e.occurred_at}>`,
      },
    ],
  });
  return { text: `${summary}${e.url ? ` — ${e.url}` : ''}`, blocks };
}

function issueText(e: DomainEvent): { title: string; body: string } {
  const lines = detailLines(e);
  const body = [
    e.summary,
    '',
    ...lines,
    '',
    ...(e.url ? [`Open in Flowgate: ${e.url}`] : []),
    `Event ${e.type} (#${e.id}) at ${e.occurred_at}, organization ${e.org_id}. Created by Flowgate.`,
  ].join('\n');
  return { title: `[Flowgate] ${e.summary}`.slice(0, 250), body };
}

export function buildRequest(
  webhook: { url: string } & Pick<WebhookRow, 'format' | 'options'>,
  e: DomainEvent,
  ctx: { secret: string; deliveryId: string; attempt: number; now: Date; token?: string | null },
): OutgoingRequest {
  const ts = Math.floor(ctx.now.getTime() / 1000);
  const base = webhook.url.replace(/\/+$/, '');
  const common = {
    'content-type': 'application/json',
    'user-agent': 'flowgate-webhooks',
    'x-flowgate-event': e.type,
    'x-flowgate-delivery': ctx.deliveryId,
    'x-flowgate-timestamp': String(ts),
  };
  if (webhook.format === 'jira') {
    const o = (webhook.options.jira ?? {}) as {
      project_key?: string;
      issue_type?: string;
      email?: string;
      labels?: string[];
    };
    const { title, body } = issueText(e);
    const token = ctx.token ?? '';
    return {
      url: `${base}/rest/api/2/issue`,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'flowgate-webhooks',
        authorization: o.email ? `Basic ${Buffer.from(`${o.email}:${token}`).toString('base64')}` : `Bearer ${token}`,
      },
      body: JSON.stringify({
        fields: {
          project: { key: o.project_key },
          issuetype: { name: o.issue_type ?? 'Bug' },
          summary: title,
          description: body,
          labels: o.labels ?? ['flowgate'],
        },
      }),
    };
  }
  if (webhook.format === 'github') {
    const o = (webhook.options.github ?? {}) as { repository?: string; labels?: string[] };
    const { title, body } = issueText(e);
    return {
      url: `${base}/repos/${o.repository}/issues`,
      headers: {
        'content-type': 'application/json',
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'flowgate-webhooks',
        authorization: `Bearer ${ctx.token ?? ''}`,
      },
      body: JSON.stringify({ title, body, ...(o.labels?.length ? { labels: o.labels } : {}) }),
    };
  }
  const body =
    webhook.format === 'slack'
      ? JSON.stringify(slackMessage(e))
      : JSON.stringify({ ...e, delivery: { id: ctx.deliveryId, attempt: ctx.attempt }, timestamp: ts });
  return { url: webhook.url, headers: { ...common, 'x-flowgate-signature': signatureOf(ctx.secret, body) }, body };
}

/** What a successful answer tells (the issue a connector created). */
export function resultOf(
  webhook: { url: string } & Pick<WebhookRow, 'format'>,
  body: string,
): Record<string, unknown> | null {
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  if (webhook.format === 'jira' && parsed && typeof parsed.key === 'string')
    return { issue_key: parsed.key, issue_url: `${webhook.url.replace(/\/+$/, '')}/browse/${parsed.key}` };
  if (webhook.format === 'github' && parsed && typeof parsed.html_url === 'string')
    return { issue_number: parsed.number ?? null, issue_url: parsed.html_url };
  return null;
}

/** The event as webhooks and the event log show it. */
export function eventView(
  row: {
    id: string;
    org_id: string;
    type: string;
    subject_type: string;
    subject_id: string | null;
    subject_name: string | null;
    data: Record<string, unknown>;
    occurred_at: Date;
  },
  consoleBase: string | null,
  consolePath: (s: { type: string; id: string | null }) => string,
): DomainEvent {
  const subject = { type: row.subject_type, id: row.subject_id, name: row.subject_name };
  return {
    id: row.id,
    type: row.type,
    org_id: row.org_id,
    occurred_at: row.occurred_at.toISOString(),
    subject,
    summary: summarizeEvent({ type: row.type, subject, data: row.data }),
    data: row.data,
    url: consoleBase ? `${consoleBase.replace(/\/+$/, '')}${consolePath(subject)}` : null,
  };
}
