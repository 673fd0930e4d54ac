import type { ApiResponse } from './http';

/** RFC 9457 problem+json with the contract's fields, the header's request id, and nothing internal in it. */
export function expectProblem(response: ApiResponse, status: number): void {
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status } });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
  expect(response.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      requestId: response.headers.get('x-request-id'),
    }),
  );
  expect(response.body.detail.length).toBeGreaterThan(0);
  expect(response.body.requestId).toBeTruthy();
  for (const key of Object.keys(response.body)) {
    expect(['type', 'title', 'status', 'detail', 'requestId', 'errors']).toContain(key);
  }
  expect(response.text).not.toMatch(
    /\bat \S+ \(|\.js:\d+|node_modules|QueryFailedError|SELECT |INSERT |UPDATE |duplicate key|constraint|organization_name_unique|audit_entry/i,
  );
}

/** A problem whose `errors` name `path`, each error being `{path, message}`. */
export function expectFieldError(response: ApiResponse, path: string, status = 400): void {
  expectProblem(response, status);
  expect(Array.isArray(response.body.errors)).toBe(true);
  for (const error of response.body.errors) {
    expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
  }
  expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
}
