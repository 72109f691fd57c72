import { api, apiRequest } from '../../../lib/api/client.ts';
import type { LoginResponse, MeResponse } from '../../../lib/api/types.ts';

export const authKeys = {
  me: () => ['auth', 'me'] as const,
};

export function login(email: string, password: string): Promise<LoginResponse> {
  // A wrong password answers 401 INVALID_CREDENTIALS: show it, don't treat it as an expired session.
  return apiRequest<LoginResponse>('/auth/login', {
    method: 'POST',
    body: { email, password },
    skipAuthRedirect: true,
  });
}

export function fetchMe(signal?: AbortSignal): Promise<MeResponse> {
  return api.get<MeResponse>('/auth/me', undefined, signal);
}
