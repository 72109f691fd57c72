// The access token and selected org live in localStorage so a reload keeps the session.
const TOKEN_KEY = 'flowgate.token';
const ORG_KEY = 'flowgate.org';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function getAccessToken(): string | null {
  return storage()?.getItem(TOKEN_KEY) ?? null;
}

export function setAccessToken(token: string | null): void {
  const s = storage();
  if (!s) return;
  if (token) s.setItem(TOKEN_KEY, token);
  else s.removeItem(TOKEN_KEY);
}

export function getStoredOrgId(): string | null {
  return storage()?.getItem(ORG_KEY) ?? null;
}

export function setStoredOrgId(orgId: string | null): void {
  const s = storage();
  if (!s) return;
  if (orgId) s.setItem(ORG_KEY, orgId);
  else s.removeItem(ORG_KEY);
}
