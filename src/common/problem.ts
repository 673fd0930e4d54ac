/** One failed field: `path` points into the body as a client writes it (`items[2].quantity`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * A typed error with a stable code, thrown by services and turned into RFC 9457 problem+json by the
 * global filter. The `code` becomes the problem `type`, so clients can branch on it.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: ReadonlyArray<object>,
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }

  static validation(errors: FieldError[], detail = 'The request is invalid; see errors.'): Problem {
    return new Problem(400, 'validation-failed', 'Bad Request', detail, errors);
  }
  static field(path: string, message: string, status = 400): Problem {
    const code = status === 422 ? 'unprocessable' : 'validation-failed';
    const title = status === 422 ? 'Unprocessable Content' : 'Bad Request';
    return new Problem(status, code, title, `${path}: ${message}`, [{ path, message }]);
  }
  static badRequest(detail: string): Problem {
    return new Problem(400, 'bad-request', 'Bad Request', detail);
  }
  static unauthorized(detail: string): Problem {
    return new Problem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'www-authenticate': 'Bearer' });
  }
  static forbidden(detail: string): Problem {
    return new Problem(403, 'forbidden', 'Forbidden', detail);
  }
  static notFound(what: string): Problem {
    return new Problem(404, 'not-found', 'Not Found', `${what} was not found.`);
  }
  static conflict(detail: string, code = 'conflict'): Problem {
    return new Problem(409, code, 'Conflict', detail);
  }
  static preconditionFailed(detail: string): Problem {
    return new Problem(412, 'precondition-failed', 'Precondition Failed', detail);
  }
  static preconditionRequired(detail: string): Problem {
    return new Problem(428, 'precondition-required', 'Precondition Required', detail);
  }
  static unprocessable(detail: string, errors?: FieldError[]): Problem {
    return new Problem(422, 'unprocessable', 'Unprocessable Content', detail, errors);
  }
}

export const PROBLEM_TYPE_BASE = 'urn:aidtrail:problem:';
