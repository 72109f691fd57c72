/** @jsxRuntime automatic */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { templateTypes } from '@flowgate/config-model';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input, Select, Textarea } from '../../../components/ui/form.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { problemFor } from '../../../lib/api/api-error.ts';
import { testIds } from '../../../lib/testids.ts';
import { useCreateTemplate } from '../hooks/use-templates.ts';
import { starterConfigYaml } from './starter-config.ts';

export function CreateTemplateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateTemplate();
  const navigate = useNavigate();
  const toast = useToast();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<string>('gateway');

  const close = () => {
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        description: description.trim() || undefined,
        type,
        config_yaml: starterConfigYaml,
        message: 'Initial version',
      },
      {
        onSuccess: (template) => {
          toast.success('Template created', 'Edit it, then deploy it to your gateways.');
          setName('');
          setDescription('');
          onClose();
          navigate(`/templates/${template.id}`);
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New template"
      description="A template is a versioned collector configuration you can deploy to many gateways."
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button
            type="submit"
            form="create-template"
            variant="primary"
            loading={create.isPending}
            disabled={!name.trim()}
            data-testid={testIds.templates.createSubmit}
          >
            Create template
          </Button>
        </>
      }
    >
      <form id="create-template" onSubmit={submit} className="space-y-4">
        <Field label="Name" error={problemFor(create.error, 'name')}>
          {(id) => (
            <Input
              id={id}
              autoFocus
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="prod-metrics-cost-cut"
              data-testid={testIds.templates.createName}
            />
          )}
        </Field>
        <Field label="Description" hint="Optional: what this configuration is for.">
          {(id) => (
            <Textarea
              id={id}
              rows={2}
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              data-testid={testIds.templates.createDescription}
            />
          )}
        </Field>
        <Field label="Type">
          {(id) => (
            <Select
              id={id}
              value={type}
              onChange={(e) => setType(e.target.value)}
              data-testid={testIds.templates.createType}
            >
              {templateTypes.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <p className="text-xs text-zinc-500">It starts from a working OTLP pipeline you can edit right away.</p>
        <InlineError error={create.error} />
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
