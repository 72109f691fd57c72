import type { OrgSettings } from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import { readSettings, writeSettings } from './settings.store.ts';

export const defaultSettings: OrgSettings = {
  default_heartbeat_seconds: 30,
  registration_token_default_days: 30,
  opamp_token_days: 365,
  deployment_default_soak_seconds: 30,
  base_config_yaml: null,
};

export function createSettingsService(deps: { db: Db }) {
  const get = async (scope: OrgScope): Promise<OrgSettings> =>
    ({ ...defaultSettings, ...(await readSettings(deps.db, scope)) }) as OrgSettings;
  return {
    get,
    async update(scope: OrgScope, patch: Partial<OrgSettings>): Promise<OrgSettings> {
      return deps.db.tx(async (sql) => {
        const before = { ...defaultSettings, ...(await readSettings(sql, scope)) } as OrgSettings;
        const after = { ...before, ...patch };
        await writeSettings(sql, scope, after);
        await audit(sql, scope, {
          action: 'settings.update',
          resourceType: 'settings',
          resourceId: scope.orgId,
          before,
          after,
        });
        return after;
      });
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
