// The URL users and gateways reach this server at: FLOWGATE_PUBLIC_URL when set, else what the request
// says (Host, X-Forwarded-Proto).
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/** Public base URL the client used to reach us (FLOWGATE_PUBLIC_URL wins), without a trailing slash. */
export function publicBaseUrl(req: FastifyRequest, configured: string | null): string {
  if (configured) return configured.replace(/\/$/, '');
  const proto = (req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() || 'http';
  return `${proto}://${req.headers.host ?? 'localhost:8000'}`;
}

/**
 * The same, checked to be a plain http(s) URL (it goes into a shell script): no credentials, query,
 * fragment or characters a shell would read. INVALID_PUBLIC_URL otherwise.
 */
export function safePublicBaseUrl(req: FastifyRequest, configured: string | null): string {
  const raw = publicBaseUrl(req, configured);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('INVALID_PUBLIC_URL');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash)
    throw new AppError('INVALID_PUBLIC_URL');
  const base = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  if (!/^https?:\/\/[A-Za-z0-9._~:/@%+[\]-]+$/.test(base)) throw new AppError('INVALID_PUBLIC_URL');
  return base;
}
