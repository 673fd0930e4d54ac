import { applyDecorators, Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { ContentObject } from '@nestjs/swagger';
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
}

/** The success answer of an operation: its status, body schema (a class, so Swagger sees it) and headers. */
export function ApiSuccess({ status = 200, description, type, etag = false, content }: SuccessOptions): MethodDecorator {
  const headers = etag ? { ...REQUEST_ID_HEADER, ...ETAG_HEADER } : REQUEST_ID_HEADER;
  return applyDecorators(ApiResponse({ status, description, headers, ...(type ? { type } : {}), ...(content ? { content } : {}) }));
}
