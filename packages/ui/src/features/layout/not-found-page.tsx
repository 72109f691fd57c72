/** @jsxRuntime automatic */
import { ButtonLink } from '../../components/ui/button.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';

export function NotFoundPage() {
  return (
    <EmptyState
      title="This page does not exist"
      description="The link may be outdated, or the resource belongs to another organization."
      actions={<ButtonLink to="/">Back to the dashboard</ButtonLink>}
    />
  );
}
