import type { HeadersObject } from '@nestjs/swagger';

/** Response headers the contract names, declared once. */
export const REQUEST_ID_HEADER: HeadersObject = {
  'X-Request-Id': {
    description: 'The request id: the one sent in X-Request-Id when it is 1-128 of [A-Za-z0-9_.:-], else a new UUID.',
    schema: { type: 'string' },
  },
};

export const ETAG_HEADER: HeadersObject = {
  ETag: { description: 'The version of what was read or written, `"<version>"` (send it back in If-Match to edit); for a checkpoint, its tree size (send it in If-None-Match to poll).', schema: { type: 'string', example: '"3"' } },
};

export const RETRY_AFTER_HEADER: HeadersObject = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', example: 2 } },
};

export const WWW_AUTHENTICATE_HEADER: HeadersObject = {
  'WWW-Authenticate': { description: 'The scheme to authenticate with: `Bearer`.', schema: { type: 'string', example: 'Bearer' } },
};
