/** @jsxRuntime automatic */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setUnauthorizedHandler } from '../../../lib/api/client.ts';
import { getAccessToken, getStoredOrgId, setAccessToken, setStoredOrgId } from '../../../lib/api/session-storage.ts';
import type { Membership, MeResponse, Role, User } from '../../../lib/api/types.ts';
import { can, type Permission } from '../../../lib/permissions.ts';
import { authKeys, fetchMe, login as loginRequest } from '../api/auth-api.ts';

export interface Session {
  token: string | null;
  user: User | null;
  memberships: Membership[];
  /** The selected organization; null when the user has none (or the session is loading). */
  orgId: string | null;
  membership: Membership | null;
  role: Role | null;
  loading: boolean;
  error: unknown;
  setOrgId: (orgId: string) => void;
  login: (email: string, password: string) => Promise<void>;
  logout: () => void;
  can: (permission: Permission) => boolean;
}

const SessionContext = createContext<Session | null>(null);

export function pickOrg(memberships: Membership[], stored: string | null): Membership | null {
  return memberships.find((m) => m.org_id === stored) ?? memberships[0] ?? null;
}

export function SessionProvider({ children, onLoggedOut }: { children: ReactNode; onLoggedOut: () => void }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(() => getAccessToken());
  const [storedOrg, setStoredOrg] = useState<string | null>(() => getStoredOrgId());

  const me = useQuery<MeResponse>({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => fetchMe(signal),
    enabled: token !== null,
    staleTime: 5 * 60_000,
  });

  const logout = useCallback(() => {
    setAccessToken(null);
    setToken(null);
    queryClient.clear();
    onLoggedOut();
  }, [queryClient, onLoggedOut]);

  useEffect(() => {
    // Any 401 from the API (expired or revoked token) ends the session.
    setUnauthorizedHandler(() => {
      setToken(null);
      queryClient.clear();
      onLoggedOut();
    });
    return () => setUnauthorizedHandler(null);
  }, [queryClient, onLoggedOut]);

  const login = useCallback(
    async (email: string, password: string) => {
      const response = await loginRequest(email, password);
      setAccessToken(response.access_token);
      queryClient.clear();
      setToken(response.access_token);
    },
    [queryClient],
  );

  const memberships = useMemo(() => me.data?.memberships ?? [], [me.data]);
  const membership = pickOrg(memberships, storedOrg);

  const setOrgId = useCallback((orgId: string) => {
    setStoredOrgId(orgId);
    setStoredOrg(orgId);
  }, []);

  const value = useMemo<Session>(
    () => ({
      token,
      user: me.data?.user ?? null,
      memberships,
      orgId: membership?.org_id ?? null,
      membership,
      role: membership?.role ?? null,
      loading: token !== null && me.isPending,
      error: me.error,
      setOrgId,
      login,
      logout,
      can: (permission: Permission) => can(membership?.role, permission),
    }),
    [token, me.data, me.isPending, me.error, memberships, membership, setOrgId, login, logout],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}

/** The selected org id. Only call below <RequireAuth>, which guarantees one is selected. */
export function useOrgId(): string {
  const { orgId } = useSession();
  if (!orgId) throw new Error('No organization selected');
  return orgId;
}

export function useCan(permission: Permission): boolean {
  return useSession().can(permission);
}
