import { Agent, request } from 'node:http';
import { RequestFailure } from './load';

export interface HttpResponse {
  status: number;
  body: Buffer;
}

/**
 * A lean HTTP/1.1 client over keep-alive connections (node:http; undici is not a dependency), so that
 * the load generator's own cost stays small next to the service's. One socket per request in flight.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, connections: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<HttpResponse> {
    return new Promise((resolveResponse, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends and insists on `expected`; anything else is a RequestFailure naming status and problem. */
  async expect(
    expected: number,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ) {
    const response = await this.send(method, path, headers, body);
    if (response.status !== expected) throw httpFailure(method, path, response);
    return response;
  }

  /** JSON in and out, for setting up (not for measured requests). */
  async json<T = any>(
    method: string,
    path: string,
    token: string,
    payload?: unknown,
    expected = 200,
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const response = await this.expect(expected, method, path, headers, body);
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A failure keyed so that repeats collapse: status, problem type and detail, never the request id. */
function httpFailure(method: string, path: string, response: HttpResponse): RequestFailure {
  const text = response.body.toString('utf8');
  let summary = text.slice(0, 300);
  try {
    const problem = JSON.parse(text);
    if (problem && typeof problem === 'object')
      summary = `${problem.type ?? ''} ${problem.detail ?? problem.title ?? ''}`.trim();
  } catch {
    // not JSON: keep the text
  }
  const route = path.replace(/\/(SHP-[^/]+|[0-9a-f-]{36})(?=\/|$)/gi, '/:id');
  return new RequestFailure(`HTTP ${response.status} on ${method} ${route}: ${summary}`);
}
