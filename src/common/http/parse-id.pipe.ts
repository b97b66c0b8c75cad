import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates an id path parameter at the edge: a malformed UUID would otherwise reach
 * PostgreSQL as a type error. Answers 400 INVALID_ID.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new DomainError('INVALID_ID', 400, 'the id in the path is not a valid UUID', '路径中的编号不是合法的UUID', [
        { field: 'id', code: 'INVALID_ID', message: 'must be a UUID', value },
      ]);
    }
    return value.toLowerCase();
  }
}
