/** @jsxRuntime automatic */
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { Tabs } from '../../components/ui/tabs.tsx';
import { testIds } from '../../lib/testids.ts';
import { useSession } from '../auth/hooks/session.tsx';
import { ApiKeysSettings } from './components/api-keys-settings.tsx';
import { AuditLog } from './components/audit-log.tsx';
import { GeneralSettings } from './components/general-settings.tsx';
import { MembersSettings } from './components/members-settings.tsx';
import { OrgsSettings } from './components/orgs-settings.tsx';
import { SecretsSettings } from './components/secrets-settings.tsx';
// ── events, webhooks, alert rules ──
import { WebhooksSettings } from '../webhooks/webhooks-settings.tsx';
import { AlertRulesSettings } from '../webhooks/alert-rules-settings.tsx';

const tabs = ['general', 'secrets', 'webhooks', 'alerts', 'members', 'api-keys', 'audit', 'organizations'] as const;
type Tab = (typeof tabs)[number];

export function SettingsPage() {
  const [params, setParams] = useSearchParams();
  const { membership } = useSession();
  const raw = params.get('tab');
  const tab: Tab = (tabs as readonly string[]).includes(raw ?? '') ? (raw as Tab) : 'general';

  return (
    <div data-testid={testIds.settings.page}>
      <PageHeader title="Settings" description={membership ? `Organization ${membership.org_name}` : undefined} />
      <Tabs
        className="mb-5"
        value={tab}
        onChange={(next) => setParams({ tab: next }, { replace: true })}
        tabs={[
          { id: 'general', label: 'General', testId: testIds.settings.tabGeneral },
          { id: 'secrets', label: 'Secrets', testId: testIds.settings.tabSecrets },
          { id: 'webhooks', label: 'Webhooks', testId: testIds.webhooks.tab },
          { id: 'alerts', label: 'Alert rules', testId: testIds.alertRules.tab },
          { id: 'members', label: 'Members', testId: testIds.settings.tabMembers },
          { id: 'api-keys', label: 'API keys', testId: testIds.settings.tabApiKeys },
          { id: 'audit', label: 'Audit log', testId: testIds.settings.tabAudit },
          { id: 'organizations', label: 'Organizations', testId: testIds.settings.tabOrgs },
        ]}
      />
      {tab === 'general' && <GeneralSettings />}
      {tab === 'secrets' && <SecretsSettings />}
      {tab === 'webhooks' && <WebhooksSettings />}
      {tab === 'alerts' && <AlertRulesSettings />}
      {tab === 'members' && <MembersSettings />}
      {tab === 'api-keys' && <ApiKeysSettings />}
      {tab === 'audit' && <AuditLog />}
      {tab === 'organizations' && <OrgsSettings />}
    </div>
  );
}
