/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { BlockInstance } from '@flowgate/config-model';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input, Segmented, Select } from '../../../components/ui/form.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { testIds } from '../../../lib/testids.ts';
import { templateKeys } from '../../templates/api/template-keys.ts';
import { templatesApi } from '../../templates/api/templates-api.ts';
import { logsApi } from '../api/logs-api.ts';

export function SaveTemplateDialog({
  orgId,
  blocks,
  onClose,
}: {
  orgId: string;
  blocks: BlockInstance[];
  onClose: () => void;
}) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('');
  const templates = useQuery({
    queryKey: templateKeys.list(orgId),
    queryFn: ({ signal }) => templatesApi.list(orgId, signal),
    enabled: mode === 'existing',
  });
  const save = useMutation({
    mutationFn: () =>
      logsApi.saveTemplate(orgId, mode === 'new' ? { name: name.trim(), blocks } : { template_id: templateId, blocks }),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: templateKeys.all(orgId) });
      toast.success(r.created ? 'Template created' : `Saved as version ${r.version}`);
      onClose();
    },
  });
  const ready = mode === 'new' ? name.trim().length > 0 : templateId !== '';
  return (
    <Dialog
      open
      onClose={onClose}
      title="Save the actions as a template"
      description="The org's base configuration (or the template's latest version) with the actions in its logs pipeline, validated like any template. Deploy it from Deployments."
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            disabled={!ready}
            loading={save.isPending}
            onClick={() => save.mutate()}
            data-testid={testIds.logs.templateSave}
          >
            Save
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        <Segmented<'new' | 'existing'>
          label="Save to"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'new', label: 'New template' },
            { value: 'existing', label: 'New version of a template' },
          ]}
        />
        {mode === 'new' ? (
          <Field label="Template name">
            {(id) => (
              <Input
                id={id}
                value={name}
                placeholder="e.g. logs-noise-cuts"
                onChange={(e) => setName(e.target.value)}
                data-testid={testIds.logs.templateName}
              />
            )}
          </Field>
        ) : (
          <Field label="Template" hint={<Link to="/templates">All templates</Link>}>
            {(id) => (
              <Select
                id={id}
                value={templateId}
                onChange={(e) => setTemplateId(e.target.value)}
                data-testid={testIds.logs.templateTarget}
              >
                <option value="">{templates.isPending ? 'Loading…' : 'Choose a template'}</option>
                {(templates.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} (v{t.latest_version})
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
        <InlineError error={save.error} />
      </div>
    </Dialog>
  );
}
