import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '../logging/request-context';

/** Room for the multipart framing around the file (boundaries, part headers, small fields). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Refuses an upload whose declared Content-Length is already above the limit of its route, with
 * 413 before a byte of the body is read, and closes the connection so the client stops sending
 * (ADR 1002). Bodies without a Content-Length (chunked) are cut off by multer's fileSize limit
 * as soon as the file part passes it.
 */
export function uploadSizeGuard(limitFor: (path: string) => number | undefined) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'POST' && request.method !== 'PUT') return next();
    const limit = limitFor(request.path);
    const declared = Number(request.headers['content-length']);
    if (limit === undefined || !Number.isFinite(declared) || declared <= limit + MULTIPART_OVERHEAD_BYTES) return next();
    response.setHeader('Connection', 'close');
    response.status(413).json({
      code: 'PAYLOAD_TOO_LARGE',
      message: `the upload is ${declared} bytes; this endpoint accepts files up to ${limit} bytes`,
      messageZh: `上传内容为${declared}字节，超过该接口${limit}字节的上限`,
      details: { limit, declared },
      requestId: currentRequestId(),
    });
  };
}
