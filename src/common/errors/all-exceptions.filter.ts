import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, type LoggerService } from '@nestjs/common';
import type { Response } from 'express';
import { currentRequestId } from '../logging/request-context';
import { isDatabaseUnavailable } from './database-unavailable';
import { DomainError, type ErrorDetail } from './domain-error';

export interface ErrorBody {
  code: string;
  message: string;
  messageZh: string;
  details: unknown;
  requestId?: string;
}

const STATUS_CODES: Record<number, [code: string, message: string, messageZh: string]> = {
  400: ['BAD_REQUEST', 'The request is not valid', '请求无效'],
  401: ['UNAUTHENTICATED', 'Sign in first', '请先登录'],
  403: ['FORBIDDEN', 'You may not do this', '无权执行此操作'],
  404: ['NOT_FOUND', 'Not found', '未找到'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed', '不支持该请求方法'],
  409: ['CONFLICT', 'Conflicts with existing data', '与现有数据冲突'],
  413: ['PAYLOAD_TOO_LARGE', 'The request body is too large', '请求内容过大'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type', '不支持的内容类型'],
  422: ['UNPROCESSABLE', 'The request cannot be processed', '无法处理该请求'],
  429: ['TOO_MANY_REQUESTS', 'Too many requests; try again later', '请求过于频繁，请稍后再试'],
};

/** Body-parser and other Express-level errors carry a `type`/`status` instead of being HttpExceptions. */
interface ExpressLevelError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/**
 * The one exception filter: every failure leaves as `{ code, message, messageZh, details, requestId }`
 * with the right status. Unknown errors become 500 INTERNAL_ERROR, logged once with the request
 * id; their message, stack and any SQL never reach the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: LoggerService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toResponse(exception);
    body.requestId = currentRequestId();
    if (status === 503 && body.code === 'DATABASE_UNAVAILABLE') {
      this.logger.warn?.({ message: 'database unavailable', requestId: body.requestId, error: (exception as Error)?.message }, 'AllExceptionsFilter');
      if (!response.headersSent) response.setHeader('Retry-After', '5');
    } else if (status >= 500) {
      this.logger.error(exception instanceof Error ? exception : String(exception), 'AllExceptionsFilter');
    }
    if (!response.headersSent) response.status(status).json(body);
  }

  toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      return [exception.status, { code: exception.code, message: exception.message, messageZh: exception.messageZh, details: exception.details }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const cause = (exception as { cause?: unknown }).cause as ExpressLevelError | undefined;
      if (status === 400 && (cause?.type === 'entity.parse.failed' || cause instanceof SyntaxError)) {
        return [400, { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON', messageZh: '请求体不是合法的 JSON', details: [] }];
      }
      const [code, message, messageZh] = STATUS_CODES[status] ?? ['HTTP_ERROR', exception.message, exception.message];
      const payload = exception.getResponse();
      if (status === 400 && typeof payload === 'object' && payload !== null && Array.isArray((payload as { message?: unknown }).message)) {
        // class-validator failures from the global ValidationPipe
        const details: ErrorDetail[] = ((payload as { message: string[] }).message).map((text) => {
          const unknown = /^property (\S+) should not exist$/.exec(text);
          return unknown
            ? { field: unknown[1], code: 'UNKNOWN_FIELD', message: `${unknown[1]} is not an accepted field or filter`, messageZh: `不支持字段或筛选条件 ${unknown[1]}` }
            : { field: text.split(' ')[0], code: 'INVALID_VALUE', message: text };
        });
        return [400, { code: 'VALIDATION_FAILED', message: 'Some fields are not valid', messageZh: '部分字段不合法', details }];
      }
      if (status === 404) {
        return [404, { code: 'NOT_FOUND', message: 'No such resource', messageZh: '资源不存在', details: [] }];
      }
      return [status, { code, message, messageZh, details: [] }];
    }
    const expressError = exception as ExpressLevelError | null;
    const expressStatus = expressError?.status ?? expressError?.statusCode;
    if (expressError && typeof expressStatus === 'number' && expressStatus >= 400 && expressStatus < 500) {
      if (expressError.type === 'entity.parse.failed') {
        return [400, { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON', messageZh: '请求体不是合法的 JSON', details: [] }];
      }
      if (expressError.type === 'entity.too.large') {
        return [413, { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large', messageZh: '请求内容过大', details: [] }];
      }
      const [code, message, messageZh] = STATUS_CODES[expressStatus] ?? ['BAD_REQUEST', 'The request is not valid', '请求无效'];
      return [expressStatus, { code, message, messageZh, details: [] }];
    }
    if (isDatabaseUnavailable(exception)) {
      return [503, { code: 'DATABASE_UNAVAILABLE', message: 'The database cannot be reached right now; the request was not completed; try again shortly', messageZh: '数据库暂时无法连接，本次请求未完成，请稍后重试', details: [] }];
    }
    return [500, { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; quote the request id when reporting it', messageZh: '服务器内部错误，请附上请求编号反馈', details: [] }];
  }
}
