import { howToRaise } from '@deliverkit/action-kit';
import { type Scope } from './auth';
import { type HttpResponse } from './transport';

export function pull(repository: string): Scope[] {
  return [{ repository, actions: ['pull'] }];
}

export function push(repository: string): Scope[] {
  return [{ repository, actions: ['pull', 'push'] }];
}

export function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** The detail of a TOO_LARGE error: the limit, its value and how to raise it. */
export function tooLarge(
  limit: 'manifest-bytes' | 'token-response-bytes',
  value: number,
  what: string,
): string {
  return `${what} over the ${limit} limit (${value} bytes); ${howToRaise(limit)}`;
}
