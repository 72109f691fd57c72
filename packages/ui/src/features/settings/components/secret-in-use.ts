import { ApiError } from '../../../lib/api/api-error.ts';
import type { SecretInUseDetails, SecretReference } from '../../../lib/api/types.ts';

const isReference = (value: unknown): value is SecretReference => {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as Record<string, unknown>;
  return (
    (ref.kind === 'gateway' || ref.kind === 'template') && typeof ref.id === 'string' && typeof ref.name === 'string'
  );
};

/**
 * What still references a secret, when a delete was refused with 409 SECRET_IN_USE; null for any other
 * error. Entries the UI cannot link are dropped, and `total` never counts fewer than the list shows.
 */
export function secretInUse(error: unknown): SecretInUseDetails | null {
  if (!(error instanceof ApiError) || error.code !== 'SECRET_IN_USE') return null;
  const details =
    typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {};
  const usedBy = Array.isArray(details.used_by) ? details.used_by.filter(isReference) : [];
  const total =
    typeof details.total === 'number' && Number.isInteger(details.total)
      ? Math.max(details.total, usedBy.length)
      : usedBy.length;
  return { used_by: usedBy, total };
}

/** The page of the gateway or template that references the secret. */
export function secretReferencePath(ref: SecretReference): string {
  return ref.kind === 'gateway' ? `/agents/${ref.id}` : `/templates/${ref.id}`;
}

/** How many references the server counted but did not list (it lists at most 20). */
export function unlistedReferences(details: SecretInUseDetails): number {
  return Math.max(0, details.total - details.used_by.length);
}

/**
 * What deleting the secret anyway breaks. The server lists gateways before templates, so references it
 * left out of a list that shows a template are templates too.
 */
export function forceDeleteWarning(name: string, details: SecretInUseDetails): string {
  const gateways = details.used_by.some((ref) => ref.kind === 'gateway');
  const templates = details.used_by.some((ref) => ref.kind === 'template') || unlistedReferences(details) > 0;
  const until = `until a secret named ${name} exists again`;
  if (gateways && templates)
    return (
      `If you delete it anyway, those gateways cannot receive that configuration ` +
      `${until}, and templates that reference it fail validation until then.`
    );
  if (gateways) return `If you delete it anyway, those gateways cannot receive that configuration ${until}.`;
  return `If you delete it anyway, templates that reference it fail validation ${until}.`;
}
