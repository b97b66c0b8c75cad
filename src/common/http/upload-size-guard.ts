import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '../logging/request-context';

/** Room for the multipart framing around the file (boundaries, part headers, small fields). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Refuses an upload whose declared Content-Length is already above the limit of its route, with
 * 413 before a byte of the body is read, and closes the connection so the client stops sending
 * (ADR 1002). An upload without a Content-Length (chunked) is refused with 411: multer would
 * stop storing it at the limit but answer only after reading the whole body, however large.
 * Browsers, curl and HTTP libraries send the length of a file upload.
 */
export function uploadSizeGuard(limitFor: (path: string) => number | undefined) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'POST' && request.method !== 'PUT') return next();
    const limit = limitFor(request.path);
    if (limit === undefined) return next();
    if (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] !== undefined) {
      response.setHeader('Connection', 'close');
      response.status(411).json({
        code: 'LENGTH_REQUIRED',
        message: 'send the upload with a Content-Length header (not chunked)',
        messageZh: '上传请求须带 Content-Length 头（不支持分块传输）',
        details: { limit },
        requestId: currentRequestId(),
      });
      return;
    }
    const declared = Number(request.headers['content-length']);
    if (!Number.isFinite(declared) || declared <= limit + MULTIPART_OVERHEAD_BYTES) return next();
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
