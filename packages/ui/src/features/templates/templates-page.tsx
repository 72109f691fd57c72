/** @jsxRuntime automatic */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { IconPlus, IconTemplate } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { dateTime, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan } from '../auth/hooks/session.tsx';
import { CreateTemplateDialog } from './components/create-template-dialog.tsx';
import { useTemplates } from './hooks/use-templates.ts';

export function TemplatesPage() {
  const templates = useTemplates();
  const canWrite = useCan('templates:write');
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();

  const createButton = canWrite && (
    <Button
      variant="primary"
      icon={<IconPlus size={15} />}
      onClick={() => setCreating(true)}
      data-testid={testIds.templates.create}
    >
      New template
    </Button>
  );

  return (
    <div data-testid={testIds.templates.page}>
      <PageHeader
        title="Templates"
        description={
          'Versioned collector configurations. Edit with live validation, ' + 'compare versions, dry-run, then deploy.'
        }
        actions={createButton}
      />
      <QueryCard
        query={templates}
        retry
        empty={
          <EmptyState
            icon={<IconTemplate size={20} />}
            title="No templates yet"
            description={
              'Create one to describe what your gateways should do with telemetry — drop noisy metrics, ' +
              'filter debug logs, route to backends. Every save is a new version you can roll back to.'
            }
            actions={createButton}
          />
        }
      >
        {(templateList) => (
          <Table data-testid={testIds.templates.table}>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Type</Th>
                <Th>Latest</Th>
                <Th>Updated</Th>
                <Th>Created</Th>
              </tr>
            </THead>
            <TBody>
              {[...templateList]
                .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
                .map((template) => (
                  <Tr
                    key={template.id}
                    interactive
                    className="cursor-pointer"
                    onClick={(e) => {
                      if (!(e.target as HTMLElement).closest('a')) navigate(`/templates/${template.id}`);
                    }}
                    data-testid={testIds.templates.row}
                    data-id={template.id}
                    data-name={template.name}
                  >
                    <Td className="max-w-md">
                      <Link
                        to={`/templates/${template.id}`}
                        className="font-medium hover:text-accent-600 dark:hover:text-accent-400"
                        data-testid={testIds.templates.rowLink}
                      >
                        {template.name}
                      </Link>
                      {template.description && <p className="truncate text-xs text-zinc-500">{template.description}</p>}
                    </Td>
                    <Td>
                      <Badge tone="neutral">{template.type}</Badge>
                    </Td>
                    <Td className="tabular-nums">v{template.latest_version}</Td>
                    <Td className="text-xs text-zinc-500" title={dateTime(template.updated_at)}>
                      {relativeTime(template.updated_at)}
                    </Td>
                    <Td className="text-xs text-zinc-500">{dateTime(template.created_at)}</Td>
                  </Tr>
                ))}
            </TBody>
          </Table>
        )}
      </QueryCard>
      <CreateTemplateDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
