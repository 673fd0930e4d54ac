import { applyDecorators, Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { ContentObject, HeadersObject } from '@nestjs/swagger';
import { ETAG_HEADER, REQUEST_ID_HEADER } from './headers';

interface SuccessOptions {
  status?: 200 | 201 | 204 | 304;
  description: string;
  /** The JSON body's class; omit for an empty answer or give `content` for another media type. */
  type?: Type<unknown>;
  /** Answers carry `ETag: "<version>"`. */
  etag?: boolean;
  /** Non-JSON bodies: media type to schema. */
  content?: ContentObject;
  /** Headers this answer may carry besides X-Request-Id and ETag. */
  headers?: HeadersObject;
}

/** The success answer of an operation: its status, body schema (a class, so Swagger sees it) and headers. */
export function ApiSuccess({ status = 200, description, type, etag = false, content, headers: extra }: SuccessOptions): MethodDecorator {
  const headers = { ...REQUEST_ID_HEADER, ...(etag ? ETAG_HEADER : {}), ...extra };
  return applyDecorators(ApiResponse({ status, description, headers, ...(type ? { type } : {}), ...(content ? { content } : {}) }));
}
