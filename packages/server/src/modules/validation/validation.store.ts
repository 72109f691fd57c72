import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface GatewayComponentsRow {
  id: string;
  name: string;
  available_components: unknown;
}

/** The named gateways of the org with the components their collectors reported (AvailableComponents). */
export const gatewayComponents = (sql: Sql, scope: OrgScope, ids: string[]) =>
  sql.query<GatewayComponentsRow>(
    'SELECT id, name, available_components FROM gateways WHERE org_id = $1 AND id = ANY($2::uuid[]) ORDER BY name',
    [scope.orgId, ids],
  );
