import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type HeadersObject } from '@nestjs/swagger';
import { PROBLEM_TYPE_BASE } from '../problem';
import { REQUEST_ID_HEADER, RETRY_AFTER_HEADER, WWW_AUTHENTICATE_HEADER } from './headers';
import { ProblemDto } from './problem.dto';

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 428 | 429 | 503;

interface ProblemDoc {
  description: string;
  example: Omit<ProblemDto, 'requestId'>;
}

const problem = (status: number, code: string, title: string, detail: string, errors?: ProblemDto['errors']) => ({
  type: `${PROBLEM_TYPE_BASE}${code}`,
  title,
  status,
  detail,
  ...(errors ? { errors } : {}),
});

/** What each status means in this API, with a typical answer (docs/api.md lists every problem type). */
const PROBLEMS: Record<ProblemStatus, ProblemDoc> = {
  400: {
    description: 'The request is invalid (validation-failed names each field in `errors`; bad-request otherwise). Nothing was stored.',
    example: problem(400, 'validation-failed', 'Bad Request', 'The request is invalid; see errors.', [
      { path: 'items[0].quantity', message: 'must be a decimal number, as a JSON string or number (e.g. "12.50")' },
    ]),
  },
  401: {
    description: 'No bearer token, or one that is unknown, expired or revoked (`WWW-Authenticate: Bearer`).',
    example: problem(401, 'unauthorized', 'Unauthorized', 'The token is unknown, expired or revoked.'),
  },
  403: {
    description: "The token's role may not do this, or its organization scope does not cover it.",
    example: problem(403, 'forbidden', 'Forbidden', 'The role partner may not do this.'),
  },
  404: {
    description: 'Not found, or not visible to this token (a partner sees only its organization’s shipments).',
    example: problem(404, 'not-found', 'Not Found', 'Shipment was not found.'),
  },
  409: {
    description: 'Refused in the current state: an invalid lifecycle transition, a duplicate, a concurrent change, an Idempotency-Key still in progress.',
    example: problem(409, 'invalid-transition', 'Conflict', 'A shipment that is planned cannot become arrived; from planned it can become dispatched, cancelled.'),
  },
  412: {
    description: 'If-Match does not name the current version: read it again.',
    example: problem(412, 'precondition-failed', 'Precondition Failed', 'It changed since you read it: the current version is "4".'),
  },
  413: {
    description: 'The body is larger than BODY_LIMIT_BYTES.',
    example: problem(413, 'payload-too-large', 'Content Too Large', 'Request body is too large'),
  },
  415: {
    description: 'The body is not of a media type this operation reads.',
    example: problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the manifest as text/csv.'),
  },
  422: {
    description: 'Well-formed but against a domain rule (a receipt above what was shipped, an unknown party, an Idempotency-Key reused with another body). Nothing was stored.',
    example: problem(422, 'unprocessable', 'Unprocessable Content', 'The receipt exceeds what was shipped.', [
      { path: 'receipt.lines[1].quantityReceived', message: 'received + damaged (10150) exceeds the shipped quantity (10000)' },
    ]),
  },
  428: {
    description: 'This edit needs If-Match with the ETag of the version being edited.',
    example: problem(428, 'precondition-required', 'Precondition Required', 'Send If-Match: "3" (the ETag of the version you edit).'),
  },
  429: {
    description: 'Too many requests with invalid tokens from this address; wait for Retry-After seconds.',
    example: problem(429, 'too-many-failed-authentications', 'Too Many Requests', 'Too many requests with invalid tokens from this address; retry later.'),
  },
  503: {
    description: 'The database is unreachable or took too long (database-busy, database-unavailable); retry after Retry-After seconds.',
    example: problem(503, 'database-busy', 'Service Unavailable', 'The database took too long to answer this request; retry later or narrow it.'),
  },
};

const EXAMPLE_REQUEST_ID = '5f0c3c1e-8f0b-4c56-9a43-2a8c2b0f4e61';

/** A problem this operation gives, as its example: the status's title, this code and detail. */
export interface ProblemCase {
  status: ProblemStatus;
  code: string;
  detail: string;
  errors?: ProblemDto['errors'];
}

/**
 * The problem answers an operation (or every operation of a controller) can give, each as
 * `application/problem+json` with the one Problem schema, its headers and examples: the operation's own
 * (ProblemCase), else the status's usual one. Several ApiProblems on one operation (Idempotent() adds
 * the key's own) add up: each application redeclares every status seen so far with all their cases.
 */
export function ApiProblems(...answers: Array<ProblemStatus | ProblemCase>): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor?.value ?? target;
    const known: Map<ProblemStatus, ProblemCase[]> = new Map(Reflect.getMetadata(PROBLEM_CASES, holder) ?? []);
    for (const answer of answers) {
      const status = typeof answer === 'number' ? answer : answer.status;
      const cases = known.get(status) ?? [];
      if (typeof answer !== 'number' && !cases.some((c) => c.code === answer.code && c.detail === answer.detail)) cases.push(answer);
      known.set(status, cases);
    }
    Reflect.defineMetadata(PROBLEM_CASES, [...known], holder);
    const declare = applyDecorators(ApiExtraModels(ProblemDto), ...[...known].map(([status, cases]) => problemResponse(status, cases)));
    // applyDecorators' type is a union; this call site is one or the other.
    (declare as (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => void)(target, key, descriptor);
  };
}

const PROBLEM_CASES = 'aidtrail:openapi-problem-cases';

const EXTRA_HEADERS: Partial<Record<ProblemStatus, HeadersObject>> = { 401: WWW_AUTHENTICATE_HEADER, 429: RETRY_AFTER_HEADER, 503: RETRY_AFTER_HEADER };

function problemResponse(status: ProblemStatus, cases: ProblemCase[]) {
  const examples = (cases.length ? cases.map((c) => problem(status, c.code, PROBLEMS[status].example.title, c.detail, c.errors)) : [PROBLEMS[status].example]).map(
    (example) => ({ ...example, requestId: EXAMPLE_REQUEST_ID }),
  );
  return ApiResponse({
    status,
    description: PROBLEMS[status].description,
    headers: { ...REQUEST_ID_HEADER, ...EXTRA_HEADERS[status] },
    content: {
      'application/problem+json': {
        schema: { $ref: getSchemaPath(ProblemDto) },
        ...(examples.length === 1
          ? { example: examples[0] }
          : { examples: Object.fromEntries(examples.map((example, index) => [`${example.type.slice(PROBLEM_TYPE_BASE.length)}-${index + 1}`, { value: example }])) }),
      },
    },
  });
}

/** A 404 example naming what was not found. */
export const notFound = (what: string): ProblemCase => ({ status: 404, code: 'not-found', detail: `${what} was not found.` });

/** Every operation behind a bearer token can answer these (400: a malformed URL or query, on any route). */
export const ApiAuthenticatedProblems = () => ApiProblems(400, 401, 429, 503);
