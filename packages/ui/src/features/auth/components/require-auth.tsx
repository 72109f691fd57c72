/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { PageLoading } from '../../../components/ui/spinner.tsx';
import { cn } from '../../../lib/cn.ts';
import { useSession } from '../hooks/session.tsx';

/** Gate for the signed-in app: login when there is no token, and an explanation when there is no org. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session.token) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (session.loading) return <PageLoading label="Signing you in…" />;
  if (session.error && !session.user) {
    return (
      <div className="mx-auto mt-24 max-w-lg">
        <ErrorState error={session.error} title="Could not load your account" />
        <div className="mt-4 text-center">
          <Button onClick={session.logout}>Sign out</Button>
        </div>
      </div>
    );
  }
  if (!session.orgId) {
    return (
      <div
        className={cn(
          'mx-auto mt-24 max-w-lg rounded-xl border border-zinc-200 bg-white',
          'dark:border-zinc-800 dark:bg-zinc-900',
        )}
      >
        <EmptyState
          title="You are not a member of any organization yet"
          description="Ask an owner or admin of your Flowgate organization to add you as a member, then sign in again."
          actions={<Button onClick={session.logout}>Sign out</Button>}
        />
      </div>
    );
  }
  return <>{children}</>;
}
