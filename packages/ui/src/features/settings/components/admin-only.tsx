/** @jsxRuntime automatic */
import { EmptyState } from '../../../components/ui/empty-state.tsx';

export function AdminOnly({ what }: { what: string }) {
  return (
    <EmptyState
      title={`Only owners and admins can manage ${what}`}
      description="Your role in this organization does not include it. Ask an owner or admin if you need access."
    />
  );
}
