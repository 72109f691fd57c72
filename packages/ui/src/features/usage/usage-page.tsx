/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/ui/button.tsx';
import { IconPlus } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { usageApi, usageKeys } from './api/usage-api.ts';
import { AddSourceDialog } from './components/add-source-dialog.tsx';
import { MetricsTable } from './components/metrics-table.tsx';
import { heldSummary, SourcesCard } from './components/sources-card.tsx';

/** Usage: which metrics and labels the org's dashboards and rules read, and from which sources. */
export function UsagePage() {
  const orgId = useOrgId();
  const canWrite = useCan('usage:write');
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const sources = useQuery({
    queryKey: usageKeys.sources(orgId),
    queryFn: ({ signal }) => usageApi.sources(orgId, signal),
  });
  const addButton = canWrite && (
    <Button
      variant="primary"
      icon={<IconPlus size={15} />}
      onClick={() => setAdding(true)}
      data-testid={testIds.usage.addSource}
    >
      Add source
    </Button>
  );
  return (
    <div data-testid={testIds.usage.page} className="space-y-5">
      <PageHeader
        title="Usage"
        description={
          'Which metrics and labels your Grafana dashboards and Prometheus rules actually read. ' +
          'What nothing reads is what you can stop paying for.'
        }
        actions={addButton}
      />
      <SourcesCard sources={sources} onAdd={() => setAdding(true)} />
      <MetricsTable />
      <AddSourceDialog
        open={adding}
        onClose={() => setAdding(false)}
        onCreated={(s) =>
          s.status === 'error'
            ? toast.error(new Error(`${s.error?.code}: ${s.error?.message}`), `${s.name} added, but could not be read`)
            : toast.success(`${s.name} added`, heldSummary(s))
        }
      />
    </div>
  );
}
