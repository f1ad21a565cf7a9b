import type { ServerResponse } from 'node:http';
import { httpStatusFor, type ErrorCode } from '../errors.js';

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  response.end(payload);
}

/** A GraphQL-shaped error response for failures outside GraphQL execution (body limits, refused callers). */
export function sendGraphQLError(response: ServerResponse, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, httpStatusFor(code), { errors: [{ message, extensions: { code } }] }, headers);
}
