import type { Schemas } from './client';

type Problem = Schemas['ProblemDto'];

/**
 * An API failure as the screens need it: the HTTP status, the problem+json title and detail, the field
 * errors by `path` (`items[2].quantity`) and, for a CSV import, the `{row, column, message}` errors.
 */
export interface ApiFailure {
  status: number;
  title?: string;
  detail?: string;
  fieldErrors: Record<string, string>;
  rowErrors: Array<Pick<Schemas['ProblemErrorDto'], 'row' | 'column' | 'message'>>;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).status === 'number';
}

/** Reads what the client handed back: a problem+json body, or anything else (a proxy's HTML page). */
export function toFailure(status: number, body: unknown): ApiFailure {
  if (!isProblem(body)) return { status, fieldErrors: {}, rowErrors: [] };
  const fieldErrors: Record<string, string> = {};
  const rowErrors: ApiFailure['rowErrors'] = [];
  for (const error of body.errors ?? []) {
    if (typeof error.row === 'number') rowErrors.push({ row: error.row, column: error.column, message: error.message });
    else if (error.path !== undefined) fieldErrors[error.path] = fieldErrors[error.path] ? `${fieldErrors[error.path]}; ${error.message}` : error.message;
  }
  return { status, title: body.title, detail: body.detail, fieldErrors, rowErrors };
}

/** A request that never got an answer (offline, connection dropped). */
export const NETWORK_FAILURE: ApiFailure = { status: 0, fieldErrors: {}, rowErrors: [] };
