/** @jsxRuntime automatic */
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { useSession } from '../../auth/hooks/session.tsx';

export function OrgSwitcher() {
  const { memberships, orgId, setOrgId } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (memberships.length === 0) return null;
  return (
    <label className="block">
      <span className="sr-only">Organization</span>
      <select
        value={orgId ?? ''}
        data-testid={testIds.header.orgSwitcher}
        onChange={(event) => {
          setOrgId(event.target.value);
          // Detail pages belong to the previous org; start the new one from its dashboard.
          void queryClient.cancelQueries();
          navigate('/');
        }}
        disabled={memberships.length === 1}
        className={cn(
          'w-full truncate rounded-lg border-0 bg-zinc-100 py-1.5 pr-7 pl-2.5 text-sm',
          'font-medium text-zinc-800 focus:ring-2 focus:ring-accent-500',
          'disabled:cursor-default disabled:opacity-100 dark:bg-zinc-800 dark:text-zinc-100',
        )}
      >
        {memberships.map((m) => (
          <option key={m.org_id} value={m.org_id}>
            {m.org_name}
          </option>
        ))}
      </select>
    </label>
  );
}
