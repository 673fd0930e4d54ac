import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ApiResponse } from './http';

type Json = Record<string, any>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * Checks real answers against the served OpenAPI document: the status is declared, the media type is
 * one the operation declares, and a JSON body validates against its schema, read strictly (a field the
 * document does not name is an error, so the document cannot fall behind the code). It also records
 * which operations and answers were checked, so a spec can require that every operation was.
 */
export class ContractChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly seen = new Map<string, Set<number>>();

  constructor(private readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema(toJsonSchema(document), 'openapi.json');
  }

  /** Every operation of the document, as `METHOD /path/{template}`. */
  operations(): string[] {
    return Object.entries(this.document.paths as Json).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /** Throws, naming the operation and what is wrong, when the answer is not one the document describes. */
  check(operation: string, response: ApiResponse): void {
    const [method, path] = operation.split(' ');
    const declared = this.document.paths[path]?.[method.toLowerCase()];
    if (!declared) throw new Error(`${operation} is not an operation of the document`);
    const answers = declared.responses as Json;
    const status = String(response.status);
    const answer = answers[status];
    if (!answer) {
      throw new Error(`${operation} answered ${status}, which the document does not declare (it declares ${Object.keys(answers).join(', ')}): ${response.text.slice(0, 300)}`);
    }
    // The headers this service declares (X-Request-Id, ETag, WWW-Authenticate, Retry-After) are always sent.
    for (const header of Object.keys(answer.headers ?? {})) {
      if (!response.headers.get(header)) throw new Error(`${operation} ${status}: the document declares ${header}, none was sent`);
    }
    const mediaTypes = Object.keys(answer.content ?? {});
    if (mediaTypes.length === 0) {
      if (response.text !== '') throw new Error(`${operation} ${status}: the document declares no body, got ${response.text.slice(0, 200)}`);
    } else {
      const sent = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!mediaTypes.includes(sent)) throw new Error(`${operation} ${status}: Content-Type ${sent}, the document declares ${mediaTypes.join(', ')}`);
      if (JSON_MEDIA.test(sent)) this.validate(operation, status, sent, response.body);
    }
    const statuses = this.seen.get(operation) ?? new Set<number>();
    statuses.add(response.status);
    this.seen.set(operation, statuses);
  }

  /** Operations without a checked success answer, and operations without a checked problem answer. */
  uncovered(): { success: string[]; problem: string[] } {
    const statuses = (operation: string) => [...(this.seen.get(operation) ?? [])];
    return {
      success: this.operations().filter((operation) => !statuses(operation).some((status) => status < 400)),
      problem: this.operations().filter((operation) => !statuses(operation).some((status) => status >= 400)),
    };
  }

  private validate(operation: string, status: string, mediaType: string, body: unknown): void {
    const [method, path] = operation.split(' ');
    const pointer = ['paths', path, method.toLowerCase(), 'responses', status, 'content', mediaType, 'schema'].map(escapePointer).join('/');
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#/${pointer}` });
      this.validators.set(pointer, validate);
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((error) => `  ${error.instancePath || '(body)'} ${error.message} ${JSON.stringify(error.params)}`);
      throw new Error(`${operation} ${status}: the body does not match the document:\n${errors.join('\n')}\nbody: ${JSON.stringify(body).slice(0, 1500)}`);
    }
  }
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * OpenAPI 3.0 schemas as JSON Schema: `nullable: true` becomes "or null" (also around an allOf of a
 * $ref, which `nullable` alone would not let null through), and every object that names its properties
 * admits no others.
 */
export function toJsonSchema(node: unknown): any {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Json;
  const converted: Json = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key === 'example' ? value : toJsonSchema(value)]));
  if (converted.properties && typeof converted.properties === 'object' && converted.type === 'object' && converted.additionalProperties === undefined) {
    converted.additionalProperties = false;
  }
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}
