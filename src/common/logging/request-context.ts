import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request context (request id) carried through async calls, read by the logger and the error filter. */
export interface RequestContext {
  readonly requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
