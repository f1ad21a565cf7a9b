import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { GraphQLError } from 'graphql';
import { appError, CORRELATION_HEADER, ErrorCode, isErrorCode, sendGraphQLError, sendJson, type Route } from '#kit';
import { DOWNLOAD_PATH, UPLOAD_PATH, type UploadService } from './upload-service.js';

/**
 * `PUT /uploads?token=…`: the file's bytes as the body. The token is the only
 * credential, so clients call this directly, not through the gateway. Answers
 * 201 with the stored document, or a GraphQL-shaped error with its code's status.
 */
export function uploadRoute(uploads: UploadService): Route {
  return {
    method: 'PUT',
    path: UPLOAD_PATH,
    handle: (request, response, url) =>
      answerErrors(response, async () => {
        const grant = uploads.uploadGrant(url.searchParams.get('token'));
        const declaredLength = Number(request.headers['content-length']);
        if (Number.isFinite(declaredLength) && declaredLength > uploads.maxUploadBytes) {
          throw appError(
            ErrorCode.REQUEST_TOO_LARGE,
            `The file is larger than the limit of ${uploads.maxUploadBytes} bytes (Content-Length says ${declaredLength}).`,
          );
        }
        const document = await uploads.receive(grant, request, {
          source: 'verification',
          correlationId: String(response.getHeader(CORRELATION_HEADER)),
        });
        sendJson(response, 201, {
          documentId: document.id,
          sha256: document.sha256,
          sizeBytes: document.sizeBytes,
          status: document.status,
        });
      }),
  };
}

/** `GET /documents?token=…`: a document's file, for the signed, short-lived URL in `VerificationDocument.downloadUrl`. */
export function downloadRoute(uploads: UploadService): Route {
  return {
    method: 'GET',
    path: DOWNLOAD_PATH,
    handle: (request, response, url) =>
      answerErrors(response, async () => {
        const { document, content, fileName } = await uploads.download(url.searchParams.get('token'));
        response.writeHead(200, {
          'content-type': document.contentType,
          ...(document.sizeBytes === null ? {} : { 'content-length': String(document.sizeBytes) }),
          'content-disposition': `attachment; filename="${fileName}"`,
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
        });
        await pipeline(content, response);
      }),
  };
}

/**
 * Client errors (a GraphQLError with a known code) become the JSON error
 * answer; anything else propagates to the kit's 500. What is left of a body
 * answered early is the kit's to discard (http/unread-body.ts).
 */
async function answerErrors(response: ServerResponse, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof GraphQLError) || !isErrorCode(error.extensions['code']) || response.headersSent) throw error;
    sendGraphQLError(response, error.extensions['code'], error.message);
  }
}
