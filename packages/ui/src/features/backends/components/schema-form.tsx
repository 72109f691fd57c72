/** @jsxRuntime automatic */
import { Link } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Checkbox, Field, Input, Select } from '../../../components/ui/form.tsx';
import { IconPlus, IconTrash } from '../../../components/ui/icons.tsx';
import { testIds } from '../../../lib/testids.ts';
import { fieldsOf, isVisible, problemsByPath, type FormField, type JsonSchema } from './schema-form-model.ts';

export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

type Config = Record<string, unknown>;

/** A secret picker: the org's secret NAMES, never values, with a way to create one. */
function SecretPicker({
  id,
  value,
  names,
  onChange,
  invalid,
  testId,
}: {
  id: string;
  value: string;
  names: string[];
  onChange: (v: string) => void;
  invalid: boolean;
  testId: string;
}) {
  const known = names.includes(value);
  return (
    <div className="flex items-center gap-2">
      <Select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={`flex-1 font-mono text-xs ${invalid ? 'ring-red-400 dark:ring-red-700' : ''}`}
        data-testid={testId}
      >
        <option value="">— choose a secret —</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
        {value && !known && <option value={value}>{value} (missing)</option>}
      </Select>
      <Link
        to="/settings?tab=secrets"
        className="shrink-0 text-xs font-medium text-accent-600 hover:underline dark:text-accent-400"
        data-testid={testIds.backends.createSecretLink}
      >
        New secret
      </Link>
    </div>
  );
}

function Control({
  field,
  value,
  onChange,
  secretNames,
  invalid,
  id,
}: {
  field: FormField;
  value: unknown;
  onChange: (v: unknown) => void;
  secretNames: string[];
  invalid: boolean;
  id: string;
}) {
  const testId = `${testIds.backends.field}-${field.key}`;
  switch (field.kind) {
    case 'choice':
      return (
        <Select id={id} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
          {field.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      );
    case 'number':
      return (
        <Input
          id={id}
          type="number"
          min={field.min}
          max={field.max}
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
          invalid={invalid}
          data-testid={testId}
        />
      );
    case 'secret':
      return (
        <SecretPicker
          id={id}
          value={String(value ?? '')}
          names={secretNames}
          onChange={onChange}
          invalid={invalid}
          testId={testId}
        />
      );
    default:
      return (
        <Input
          id={id}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value)}
          invalid={invalid}
          className={field.key.includes('endpoint') || field.key.includes('url') ? 'font-mono text-xs' : undefined}
          data-testid={testId}
        />
      );
  }
}

function Rows({
  field,
  value,
  onChange,
  secretNames,
  problems,
}: {
  field: FormField;
  value: unknown;
  onChange: (v: unknown) => void;
  secretNames: string[];
  problems: FieldProblem[];
}) {
  const rows = Array.isArray(value) ? (value as Config[]) : [];
  const set = (i: number, key: string, v: unknown) => onChange(rows.map((r, j) => (j === i ? { ...r, [key]: v } : r)));
  return (
    <div className="space-y-2" data-testid={`${testIds.backends.field}-${field.key}`}>
      <div className="text-xs font-medium text-zinc-700 dark:text-zinc-300">{field.label}</div>
      {field.description && <p className="text-xs text-zinc-500 dark:text-zinc-400">{field.description}</p>}
      {rows.map((row, i) => (
        <div key={i} className="flex items-start gap-2">
          {field.rowFields.map((rf) => {
            const path = `${field.key}[${i}].${rf.key}`;
            const p = problems.find((x) => x.path === path);
            return (
              <Field key={rf.key} label={rf.label} error={p?.message} className="flex-1">
                {(id) => (
                  <Control
                    field={rf}
                    value={row[rf.key]}
                    onChange={(v) => set(i, rf.key, v)}
                    secretNames={secretNames}
                    invalid={Boolean(p)}
                    id={id}
                  />
                )}
              </Field>
            );
          })}
          <Button
            size="sm"
            variant="danger-ghost"
            className="mt-6"
            aria-label="Remove"
            icon={<IconTrash size={14} />}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          />
        </div>
      ))}
      <Button
        size="sm"
        icon={<IconPlus size={14} />}
        onClick={() => onChange([...rows, Object.fromEntries(field.rowFields.map((f) => [f.key, '']))])}
        data-testid={`${testIds.backends.field}-${field.key}-add`}
      >
        Add {field.label.replace(/s$/, '').toLowerCase()}
      </Button>
    </div>
  );
}

/** The form of a block, generated from its JSON schema; problems from the server are shown at their fields. */
export function SchemaForm({
  schema,
  config,
  onChange,
  secretNames,
  problems,
}: {
  schema: JsonSchema;
  config: Config;
  onChange: (next: Config) => void;
  secretNames: string[];
  problems: FieldProblem[];
}) {
  const byPath = problemsByPath(problems);
  const set = (key: string, v: unknown) => {
    const next = { ...config };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <div className="space-y-4" data-testid={testIds.backends.form}>
      {fieldsOf(schema)
        .filter((f) => isVisible(schema, f.key, config))
        .map((field) => {
          const mine = byPath.get(field.key) ?? [];
          if (field.kind === 'rows')
            return (
              <Rows
                key={field.key}
                field={field}
                value={config[field.key]}
                onChange={(v) => set(field.key, v)}
                secretNames={secretNames}
                problems={mine}
              />
            );
          if (field.kind === 'checkbox')
            return (
              <div key={field.key}>
                <Checkbox
                  label={field.label}
                  checked={config[field.key] === true}
                  onChange={(e) => set(field.key, e.target.checked)}
                  data-testid={`${testIds.backends.field}-${field.key}`}
                />
                {field.description && (
                  <p className="mt-1 ml-6 text-xs text-zinc-500 dark:text-zinc-400">{field.description}</p>
                )}
              </div>
            );
          const own = mine.find((p) => p.path === field.key) ?? mine[0];
          return (
            <Field
              key={field.key}
              label={
                <>
                  {field.label}
                  {field.required && <span className="text-red-500"> *</span>}
                </>
              }
              hint={field.description}
              error={own?.message}
            >
              {(id) => (
                <Control
                  field={field}
                  value={config[field.key]}
                  onChange={(v) => set(field.key, v)}
                  secretNames={secretNames}
                  invalid={Boolean(own)}
                  id={id}
                />
              )}
            </Field>
          );
        })}
    </div>
  );
}
