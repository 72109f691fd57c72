import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue, type ErrorCode } from '@flowgate/config-model';
import { AppError } from '../errors.ts';
import { DatabaseUnavailableError, isConnectionError } from '../db/db.ts';

export function sendError(
  reply: FastifyReply,
  req: FastifyRequest,
  code: ErrorCode,
  message?: string,
  details?: unknown,
  headers?: Record<string, string>,
) {
  const spec = errorCatalogue[code];
  if (headers) for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply
    .code(spec.status)
    .type('application/json')
    .send({
      error: {
        code,
        message: message ?? spec.message,
        request_id: String(req.id),
        ...(details === undefined ? {} : { details }),
      },
    });
}

function fromFastifyError(err: FastifyError): { code: ErrorCode; message?: string; details?: unknown } | null {
  if (err.validation) {
    const details = err.validation.map((v) => ({
      path: `${err.validationContext ?? 'body'}${v.instancePath || ''}`,
      message: v.message ?? 'invalid',
      keyword: v.keyword,
      params: v.params,
    }));
    const problems = details.map((d) => {
      const extra =
        d.keyword === 'additionalProperties'
          ? ` (${(d.params as { additionalProperty?: string }).additionalProperty})`
          : '';
      return `${d.path} ${d.message}${extra}`;
    });
    return {
      code: err.validationContext === 'params' ? 'INVALID_ID' : 'VALIDATION_FAILED',
      message: `Invalid ${err.validationContext ?? 'request'}: ${problems.join('; ')}`,
      details,
    };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'UNSUPPORTED_MEDIA_TYPE' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'PAYLOAD_TOO_LARGE' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'MALFORMED_JSON' };
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message)))
    return { code: 'MALFORMED_JSON', message: `The request body is not valid JSON: ${err.message}` };
  if (err.statusCode === 429) return { code: 'RATE_LIMITED' };
  if (err.statusCode === 413) return { code: 'PAYLOAD_TOO_LARGE' };
  if (err.statusCode === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE' };
  if (err.statusCode === 404) return { code: 'NOT_FOUND' };
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return { code: 'VALIDATION_FAILED', message: err.message };
  return null;
}

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) return sendError(reply, req, err.code, err.message, err.details, err.headers);
  if (err instanceof DatabaseUnavailableError || isConnectionError(err)) {
    req.log.warn({ err: (err as Error).message }, 'database unavailable');
    return sendError(reply, req, 'DATABASE_UNAVAILABLE', undefined, undefined, { 'Retry-After': '5' });
  }
  if ((err as { code?: unknown }).code === '22021')
    return sendError(reply, req, 'VALIDATION_FAILED', 'Text values may not contain NUL (\\u0000) characters');
  const mapped = fromFastifyError(err as FastifyError);
  if (mapped) {
    if (mapped.code === 'RATE_LIMITED') reply.header('Retry-After', String(reply.getHeader('retry-after') ?? 60));
    return sendError(reply, req, mapped.code, mapped.message, mapped.details);
  }
  req.log.error({ err }, 'unhandled error');
  return sendError(reply, req, 'INTERNAL');
}
