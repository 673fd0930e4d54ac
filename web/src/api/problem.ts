/**
 * An API failure as the screens need it: the HTTP status, the problem+json title and detail, the field
 * errors by `path` (`items[2].quantity`) and, for a CSV import, the `{row, column, message}` errors.
 */
export interface ApiFailure {
  status: number;
  title?: string;
  detail?: string;
  fieldErrors: Record<string, string>;
  rowErrors: Array<{ row: number; column?: string; message: string }>;
}

/** Reads whatever the client handed back (a problem+json body, or nothing when the network failed). */
export function toFailure(status: number, body: unknown): ApiFailure {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors = Array.isArray(problem.errors) ? (problem.errors as Array<Record<string, unknown>>) : [];
  const fieldErrors: Record<string, string> = {};
  const rowErrors: ApiFailure['rowErrors'] = [];
  for (const error of errors) {
    const message = String(error.message ?? '');
    if (typeof error.row === 'number') rowErrors.push({ row: error.row, column: typeof error.column === 'string' ? error.column : undefined, message });
    else if (typeof error.path === 'string') fieldErrors[error.path] = fieldErrors[error.path] ? `${fieldErrors[error.path]}; ${message}` : message;
  }
  return {
    status,
    title: typeof problem.title === 'string' ? problem.title : undefined,
    detail: typeof problem.detail === 'string' ? problem.detail : undefined,
    fieldErrors,
    rowErrors,
  };
}

/** A request that never got an answer (offline, connection dropped). */
export const NETWORK_FAILURE: ApiFailure = { status: 0, fieldErrors: {}, rowErrors: [] };
