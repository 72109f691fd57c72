// Domain events of rollouts, recorded in the transaction that changes the deployment, and the engine's
// "failed" pause (a gateway failed to apply, became unhealthy, or tripped the data-plane gate).
import type { PauseDetails } from '@flowgate/config-model';
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import { recordEvent } from '../events/events.store.ts';
import * as store from './deployments.store.ts';
import type { DeploymentRow } from './deployments.store.ts';

export type DeploymentEventType =
  | 'deployment.created'
  | 'deployment.batch_completed'
  | 'deployment.paused'
  | 'deployment.resumed'
  | 'deployment.failed'
  | 'deployment.completed'
  | 'deployment.cancelled'
  | 'deployment.rolled_back';

export async function recordDeploymentEvent(
  sql: Sql,
  scope: OrgScope,
  d: DeploymentRow,
  type: DeploymentEventType,
  data: Record<string, unknown> = {},
): Promise<void> {
  const templateName = (await store.templateVersion(sql, scope, d.template_id, d.version))?.name ?? null;
  await recordEvent(sql, scope, {
    type,
    subject: { type: 'deployment', id: d.id, name: d.name ?? (templateName ? `${templateName} v${d.version}` : d.id) },
    data: {
      template_id: d.template_id,
      template_name: templateName,
      version: d.version,
      batch: d.current_batch,
      batches: d.batches,
      ...data,
    },
  });
}

const ENGINE = { type: 'system' as const, id: null, label: 'deployment-engine' };

/** The engine stops a rollout: paused with the reason and figures, audited, and a deployment.failed event. */
export async function pauseAsFailed(
  sql: Sql,
  scope: OrgScope,
  d: DeploymentRow,
  cause: 'apply_failed' | 'unhealthy' | 'data_plane',
  reason: string,
  findings: PauseDetails['findings'] = [],
  since: Date | null = null,
): Promise<void> {
  const details: PauseDetails = {
    cause,
    at: new Date().toISOString(),
    batch: d.current_batch,
    since: since ? since.toISOString() : null,
    findings,
  };
  await store.updateDeployment(sql, scope, d.id, { status: 'paused', reason, pause_details: details });
  await audit(sql, { ...scope, actor: ENGINE } as OrgScope, {
    action: 'deployment.pause',
    resourceType: 'deployment',
    resourceId: d.id,
    after: { reason, cause, findings: findings.length },
  });
  await recordDeploymentEvent(sql, scope, d, 'deployment.failed', { cause, reason, findings });
}
