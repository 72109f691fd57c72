import { errorCatalogue, type ErrorCode } from '@flowgate/config-model';

/** A client-facing error with a stable code from the catalogue. Thrown by services, rendered by the error handler. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? errorCatalogue[code].message);
    this.status = errorCatalogue[code].status;
  }
}

export const notFound = (
  code: 'NOT_FOUND' | 'GATEWAY_NOT_FOUND' | 'TEMPLATE_NOT_FOUND' | 'DEPLOYMENT_NOT_FOUND' = 'NOT_FOUND',
  message?: string,
) => new AppError(code, message);
