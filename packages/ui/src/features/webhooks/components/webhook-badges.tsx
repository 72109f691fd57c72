/** @jsxRuntime automatic */
import { Badge, type Tone } from '../../../components/ui/badge.tsx';

const FORMAT_LABEL: Record<string, string> = { json: 'JSON', slack: 'Slack', jira: 'Jira', github: 'GitHub' };
export function FormatBadge({ format }: { format: string }) {
  return <Badge tone={format === 'json' ? 'neutral' : 'info'}>{FORMAT_LABEL[format] ?? format}</Badge>;
}

const TONE: Record<string, Tone> = { delivered: 'success', pending: 'warning', delivering: 'info', failed: 'danger' };
const LABEL: Record<string, string> = {
  delivered: 'Delivered',
  pending: 'Retrying',
  delivering: 'Sending',
  failed: 'Failed',
};

/** A delivery's state; `pending` after a failed attempt is a retry, before any attempt it is queued. */
export function DeliveryStatusBadge({
  status,
  code,
  attempts,
}: {
  status: string;
  code?: number | null;
  attempts?: number;
}) {
  const label = status === 'pending' && attempts === 0 ? 'Queued' : (LABEL[status] ?? status);
  return (
    <Badge tone={TONE[status] ?? 'neutral'} dot pulse={status === 'delivering'}>
      {label}
      {code ? <span className="ml-1 font-mono opacity-75">{code}</span> : null}
    </Badge>
  );
}
