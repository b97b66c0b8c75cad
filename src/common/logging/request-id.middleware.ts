import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { JsonLogger } from './json-logger';
import { requestContext } from './request-context';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane, else a new UUID),
 * echoes it in the response header, and logs one access line when the response finishes.
 */
export function requestIdMiddleware(logger: JsonLogger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const incoming = request.header('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    requestContext.run({ requestId }, () => {
      response.on('finish', () => {
        requestContext.run({ requestId }, () =>
          logger.log(
            {
              message: 'request',
              method: request.method,
              path: request.path,
              status: response.statusCode,
              durationMs: Number(process.hrtime.bigint() - started) / 1e6,
            },
            'http',
          ),
        );
      });
      next();
    });
  };
}
