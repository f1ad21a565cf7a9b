import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventData, type EventDefinition } from '#kit';
import type { z } from 'zod';
import { UrlTokenSigner } from '../../subgraphs/verification/src/uploads/signed-token.js';
import { eventually, probeEvents, type EventProbe, type ReceivedEvent, publishEvent } from '../support/event-probe.js';
import { firstCode, type GraphQLExchange } from '../support/graphql-client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { accountsInternals, createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { UserEvents } from '../../subgraphs/accounts/src/events/index.js';
import { INVITATION_TOPIC, InvitationEvents } from '../../subgraphs/invitations/src/events/index.js';
import { VERIFICATION_TOPIC } from '../../subgraphs/verification/src/events/index.js';

const SIGNING_SECRET = 'verification-test-signing-secret';
const MAX_UPLOAD_BYTES = 4096;

let test: TestPlatform;
let probe: EventProbe;
let storageDirectory: string;
let admin: SignedInUser;

beforeAll(async () => {
  storageDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-verification-'));
  test = await startTestPlatform({
    VERIFICATION_UPLOAD_SIGNING_SECRET: SIGNING_SECRET,
    VERIFICATION_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    VERIFICATION_STORAGE_DIRECTORY: storageDirectory,
  });
  probe = await probeEvents(test.platform.eventBus, [VERIFICATION_TOPIC]);
  admin = await createAdmin(test);
});
afterAll(async () => {
  await probe?.stop();
  await test?.stop();
  rmSync(storageDirectory, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Files, operations and helpers
// ---------------------------------------------------------------------------

type ContentType = 'application/pdf' | 'image/jpeg' | 'image/png';

const magic: Record<ContentType, Buffer> = {
  'application/pdf': Buffer.from('%PDF-1.7\n', 'latin1'),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
};

/** A small file of the type: its signature, then random bytes (so every file hashes differently). */
const fileOf = (type: ContentType, size = 600) => Buffer.concat([magic[type], randomBytes(size - magic[type].length)]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const COURIER_DOCUMENTS = ['IDENTITY_DOCUMENT', 'PROOF_OF_ADDRESS', 'DRIVING_LICENCE', 'VEHICLE_REGISTRATION'] as const;

const documentFields = `id documentType label version status contentType sizeBytes sha256 uploadedAt reviewedAt rejectionReason
  owner { id } reviewedBy { id } licence { authorizationNumber validUntil } downloadUrl history { id version status sha256 }`;
const statusFields = `userId role state openedAt decidedAt requiredDocuments { type label status current { ${documentFields} } }`;

interface DocumentView {
  id: string;
  documentType: string;
  label: string;
  version: number;
  status: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
  reviewedAt: string | null;
  rejectionReason: string | null;
  owner: { id: string };
  reviewedBy: { id: string } | null;
  licence: { authorizationNumber: string; validUntil: string } | null;
  downloadUrl: string | null;
  history: Array<{ id: string; version: number; status: string; sha256: string }>;
}

interface StatusView {
  userId: string;
  role: string | null;
  state: string;
  openedAt: string | null;
  decidedAt: string | null;
  requiredDocuments: Array<{ type: string; label: string; status: string; current: DocumentView | null }>;
}

interface UploadAnswer {
  status: number;
  body: {
    documentId?: string;
    sha256?: string;
    sizeBytes?: number;
    status?: string;
    errors?: Array<{ message: string; extensions: { code: string } }>;
  };
}

const errorOf = (answer: UploadAnswer) => answer.body.errors?.[0];

async function requestVerification(user: SignedInUser, role = 'COURIER'): Promise<GraphQLExchange<{ requestVerification: StatusView }>> {
  return test.query(`mutation ($role: VerificationRole!) { requestVerification(role: $role) { ${statusFields} } }`, {
    token: user.accessToken,
    variables: { role },
  });
}

async function statusOf(viewer: SignedInUser, userId?: string): Promise<GraphQLExchange<{ verificationStatus: StatusView }>> {
  return test.query(`query ($userId: ID) { verificationStatus(userId: $userId) { ${statusFields} } }`, {
    token: viewer.accessToken,
    variables: userId === undefined ? {} : { userId },
  });
}

async function requestUpload(
  user: SignedInUser,
  documentType: string,
  contentType: string,
): Promise<
  GraphQLExchange<{ requestDocumentUpload: { documentId: string; uploadUrl: string; method: string; expiresAt: string; maxBytes: number } }>
> {
  return test.query(
    `mutation ($input: RequestDocumentUploadInput!) { requestDocumentUpload(input: $input) { documentId uploadUrl method expiresAt maxBytes } }`,
    { token: user.accessToken, variables: { input: { documentType, contentType } } },
  );
}

async function uploadUrlFor(
  user: SignedInUser,
  documentType: string,
  contentType: ContentType,
): Promise<{ documentId: string; uploadUrl: string }> {
  const result = await requestUpload(user, documentType, contentType);
  if (!result.data?.requestDocumentUpload) throw new Error(`requestDocumentUpload failed: ${JSON.stringify(result.errors)}`);
  return result.data.requestDocumentUpload;
}

async function put(url: string, body: Buffer | Uint8Array, headers: Record<string, string> = {}): Promise<UploadAnswer> {
  const response = await fetch(url, { method: 'PUT', body, headers });
  return { status: response.status, body: (await response.json()) as UploadAnswer['body'] };
}

/** Requests a URL and uploads a file of the type to it; returns the document id and the bytes sent. */
async function upload(user: SignedInUser, documentType: string, contentType: ContentType = 'application/pdf') {
  const { documentId, uploadUrl } = await uploadUrlFor(user, documentType, contentType);
  const file = fileOf(contentType);
  const answer = await put(uploadUrl, file);
  if (answer.status !== 201) throw new Error(`upload failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { documentId, file };
}

async function review(
  reviewer: SignedInUser | string,
  documentId: string,
  decision: 'APPROVE' | 'REJECT',
  reason?: string,
  licence?: { authorizationNumber?: string; validUntil?: string },
): Promise<GraphQLExchange<{ reviewDocument: DocumentView }>> {
  return test.query(
    `mutation ($id: ID!, $decision: ReviewDecision!, $reason: String, $licence: LicenceDetailsInput) {
      reviewDocument(documentId: $id, decision: $decision, reason: $reason, licence: $licence) { ${documentFields} } }`,
    {
      token: typeof reviewer === 'string' ? reviewer : reviewer.accessToken,
      variables: { id: documentId, decision, ...(reason === undefined ? {} : { reason }), ...(licence === undefined ? {} : { licence }) },
    },
  );
}

/** A courier (created without an invitation) whose verification request is open. */
async function courierWithRequest(): Promise<SignedInUser> {
  const courier = await registerUser(test, 'COURIER', 'Carlos Entregador');
  const opened = await requestVerification(courier);
  if (opened.data?.requestVerification.state !== 'PENDING_DOCUMENTS')
    throw new Error(`requestVerification failed: ${JSON.stringify(opened.errors)}`);
  return courier;
}

/** A courier with every required document uploaded; returns the documents by type. */
async function courierInReview(): Promise<{ courier: SignedInUser; documents: Record<string, string> }> {
  const courier = await courierWithRequest();
  const documents: Record<string, string> = {};
  for (const [index, type] of COURIER_DOCUMENTS.entries()) {
    documents[type] = (await upload(courier, type, (['application/pdf', 'image/jpeg', 'image/png'] as const)[index % 3])).documentId;
  }
  return { courier, documents };
}

const eventsFor = (type: string, userId: string) => (event: ReceivedEvent) =>
  event.envelope?.type === type && event.envelope.data.userId === userId;

/** Publishes a catalogued event as its producer would, through the platform's bus. */
function publish<Schema extends z.ZodType>(definition: EventDefinition<Schema>, subject: string, data: EventData<EventDefinition<Schema>>) {
  return publishEvent(test.platform.eventBus, definition, subject, data, 'verification-test');
}

/** The files stored for a user (the local storage keeps them under a directory per user). */
function storedFilesOf(userId: string): string[] {
  try {
    return readdirSync(join(storageDirectory, userId));
  } catch {
    return [];
  }
}

interface ChunkedAnswer {
  status: number;
  body: UploadAnswer['body'];
  /** How many chunks had been handed to the connection when the answer arrived. */
  chunksSent: number;
  /** The connection it went over: the same object for two requests means the connection was kept. */
  connection: Socket;
}

/**
 * Sends a body in small chunks without a Content-Length (chunked): how a client
 * streaming a too-large file sees the refusal. By default it stops sending once
 * the answer arrives; with `sendAll` it sends every chunk and ends the body
 * anyway, as a browser's fetch does.
 */
function putChunked(url: string, chunks: Buffer[], options: { agent?: Agent; sendAll?: boolean } = {}): Promise<ChunkedAnswer> {
  return new Promise((resolve, reject) => {
    let chunksSent = 0;
    let answered = false;
    const request = httpRequest(
      url,
      { method: 'PUT', headers: { 'transfer-encoding': 'chunked' }, ...(options.agent === undefined ? {} : { agent: options.agent }) },
      (response) => {
        answered = true;
        const sentWhenAnswered = chunksSent;
        // Taken now: once the response has ended, the agent may already have detached the socket from it.
        const connection = response.socket;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (part: string) => (text += part));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(text) as UploadAnswer['body'],
            chunksSent: sentWhenAnswered,
            connection,
          }),
        );
      },
    );
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const sendNext = () => {
      const stop = answered && options.sendAll !== true;
      if (stop || chunksSent === chunks.length) {
        if (!stop) request.end();
        return;
      }
      request.write(chunks[chunksSent]!);
      chunksSent += 1;
      setTimeout(sendNext, 5);
    };
    sendNext();
  });
}

// ---------------------------------------------------------------------------
// Requests and required documents
// ---------------------------------------------------------------------------

describe('verification requests', () => {
  it('lists each role’s required documents publicly, labelled in Portuguese and English', async () => {
    const result = await test.query<{ requiredDocumentTypes: Array<{ type: string; label: string; english: string }> }>(
      '{ requiredDocumentTypes(role: SUPPLIER) { type label english: label(language: EN) } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.requiredDocumentTypes.map((document) => document.type)).toEqual([
      'IDENTITY_DOCUMENT',
      'PROOF_OF_ADDRESS',
      'GAS_DISTRIBUTION_LICENCE',
      'COMPANY_REGISTRY',
    ]);
    expect(result.data?.requiredDocumentTypes[1]).toEqual({
      type: 'PROOF_OF_ADDRESS',
      label: 'Comprovante de endereço',
      english: 'Proof of address',
    });
  });

  it('shows NOT_REQUESTED until a courier opens a request, which lists every required document as missing and is announced once', async () => {
    const courier = await registerUser(test, 'COURIER');
    const before = await statusOf(courier);
    expect(before.data?.verificationStatus).toMatchObject({
      userId: courier.id,
      role: null,
      state: 'NOT_REQUESTED',
      requiredDocuments: [],
    });

    const opened = await requestVerification(courier);
    expect(opened.errors).toBeUndefined();
    const status = opened.data!.requestVerification;
    expect(status).toMatchObject({ userId: courier.id, role: 'COURIER', state: 'PENDING_DOCUMENTS', decidedAt: null });
    expect(status.requiredDocuments.map(({ type, status: documentStatus, current }) => ({ type, documentStatus, current }))).toEqual(
      COURIER_DOCUMENTS.map((type) => ({ type, documentStatus: 'MISSING', current: null })),
    );

    const again = await requestVerification(courier);
    expect(again.data?.requestVerification.openedAt).toBe(status.openedAt);
    const [requested] = await probe.waitFor(eventsFor('verification.requested', courier.id));
    expect(requested!.envelope!.data).toMatchObject({
      role: 'COURIER',
      reason: 'SELF_REQUESTED',
      requiredDocuments: [...COURIER_DOCUMENTS],
    });
    expect(requested!.key).toBe(courier.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(probe.received.filter(eventsFor('verification.requested', courier.id))).toHaveLength(1);
  });

  it('refuses a request for a role the user does not hold, and a second request for another role', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    expect(firstCode(await requestVerification(customer))).toBe('FORBIDDEN');
    const courier = await courierWithRequest();
    const supplierToo = await test.query('mutation { requestVerification(role: SUPPLIER) { state } }', { token: courier.accessToken });
    expect(firstCode(supplierToo)).toBe('FORBIDDEN');
  });

  it('shows a user’s status to themself and admins only', async () => {
    const courier = await courierWithRequest();
    const other = await registerUser(test, 'COURIER');
    expect(firstCode(await statusOf(other, courier.id))).toBe('FORBIDDEN');
    expect(firstCode(await statusOf(admin, 'not-a-user-id'))).toBe('BAD_USER_INPUT');
    const asAdmin = await statusOf(admin, courier.id);
    expect(asAdmin.data?.verificationStatus).toMatchObject({ userId: courier.id, state: 'PENDING_DOCUMENTS' });

    const federated = await test.query<{ me: { id: string; verificationStatus: { state: string } } }>(
      '{ me { id verificationStatus { state } } }',
      {
        token: courier.accessToken,
      },
    );
    expect(federated.data?.me.verificationStatus.state).toBe('PENDING_DOCUMENTS');
    const byAdmin = await test.query<{ user: { verificationStatus: { state: string } | null } }>(
      'query ($id: ID!) { user(id: $id) { verificationStatus { state } } }',
      { token: admin.accessToken, variables: { id: courier.id } },
    );
    expect(byAdmin.data?.user.verificationStatus?.state).toBe('PENDING_DOCUMENTS');
  });
});

// ---------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------

describe('asking for an upload URL', () => {
  it('gives a courier with an open request a short-lived PUT URL on the public endpoint, which the service also takes directly', async () => {
    const courier = await courierWithRequest();
    const before = Date.now();
    const result = await requestUpload(courier, 'DRIVING_LICENCE', 'image/jpeg');
    expect(result.errors).toBeUndefined();
    const upload = result.data!.requestDocumentUpload;
    expect(upload.method).toBe('PUT');
    expect(upload.maxBytes).toBe(MAX_UPLOAD_BYTES);
    // The platform publishes the gateway as PUBLIC_URL; the gateway forwards uploads.
    expect(upload.uploadUrl.startsWith(`${test.platform.gateway.url}/uploads?token=`)).toBe(true);
    const lifetime = new Date(upload.expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThan(290_000);
    expect(lifetime).toBeLessThanOrEqual(301_000);

    // The token is the only credential the route needs: no gateway credential, no access token.
    const direct = upload.uploadUrl.replace(test.platform.gateway.url, test.platform.subgraphs.get('verification')!.url);
    expect((await put(direct, fileOf('image/jpeg'))).status).toBe(201);
  });

  it('refuses users without an open request, customers, and types or content types the role does not take, naming every bad field', async () => {
    const courier = await registerUser(test, 'COURIER');
    expect(firstCode(await requestUpload(courier, 'DRIVING_LICENCE', 'application/pdf'))).toBe('CONFLICT');
    const customer = await registerUser(test, 'CUSTOMER');
    expect(firstCode(await requestUpload(customer, 'DRIVING_LICENCE', 'application/pdf'))).toBe('FORBIDDEN');

    const opened = await courierWithRequest();
    const bad = await requestUpload(opened, 'GAS_DISTRIBUTION_LICENCE', 'image/gif');
    expect(firstCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.['fields']).toEqual([
      { field: 'input.documentType', message: expect.stringContaining('DRIVING_LICENCE') },
      { field: 'input.contentType', message: 'must be one of application/pdf, image/jpeg, image/png' },
    ]);
  });
});

describe('uploading a file', () => {
  it('stores a matching file, answers 201 with its hash, and announces document.uploaded', async () => {
    const courier = await courierWithRequest();
    const { documentId, uploadUrl } = await uploadUrlFor(courier, 'IDENTITY_DOCUMENT', 'image/png');
    const file = fileOf('image/png', 1500);
    const answer = await put(uploadUrl, file, { 'content-type': 'image/png' });
    expect(answer).toEqual({ status: 201, body: { documentId, sha256: sha256(file), sizeBytes: 1500, status: 'PENDING_REVIEW' } });
    expect(storedFilesOf(courier.id)).toHaveLength(1);

    const [uploaded] = await probe.waitFor(
      (event) => event.envelope?.type === 'document.uploaded' && event.envelope.data.documentId === documentId,
    );
    expect(uploaded!.envelope!.data).toEqual({
      documentId,
      userId: courier.id,
      documentType: 'IDENTITY_DOCUMENT',
      contentType: 'image/png',
      sizeBytes: 1500,
      sha256: sha256(file),
      version: 1,
    });
    const status = (await statusOf(courier)).data!.verificationStatus;
    const identity = status.requiredDocuments.find((document) => document.type === 'IDENTITY_DOCUMENT')!;
    expect(identity.status).toBe('PENDING_REVIEW');
    expect(identity.current).toMatchObject({
      id: documentId,
      version: 1,
      status: 'PENDING_REVIEW',
      contentType: 'image/png',
      sizeBytes: 1500,
      owner: { id: courier.id },
    });
    expect(status.state).toBe('PENDING_DOCUMENTS');
  });

  it('refuses an expired URL with 403, telling the client to ask for a new one', async () => {
    const courier = await courierWithRequest();
    const { documentId, uploadUrl } = await uploadUrlFor(courier, 'PROOF_OF_ADDRESS', 'application/pdf');
    const expiredAt = Math.floor(Date.now() / 1000) - 5;
    const expired = new UrlTokenSigner(SIGNING_SECRET).sign({
      purpose: 'upload',
      documentId,
      userId: courier.id,
      documentType: 'PROOF_OF_ADDRESS',
      contentType: 'application/pdf',
      expiresAt: expiredAt,
    });
    const answer = await put(`${uploadUrl.split('?')[0]}?token=${expired}`, fileOf('application/pdf'));
    expect(answer.status).toBe(403);
    expect(errorOf(answer)?.extensions.code).toBe('FORBIDDEN');
    expect(errorOf(answer)?.message).toMatch(/expired at .*Request a new upload URL/);
    expect(storedFilesOf(courier.id)).toHaveLength(0);
  });

  it('refuses forged URLs: a changed signature, a token changed to name another document, no token', async () => {
    const courier = await courierWithRequest();
    const victim = await uploadUrlFor(courier, 'PROOF_OF_ADDRESS', 'application/pdf');
    const own = await uploadUrlFor(courier, 'DRIVING_LICENCE', 'application/pdf');
    const [base, token] = own.uploadUrl.split('?token=') as [string, string];
    const [payload, signature] = token.split('.') as [string, string];

    const flipped = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const retargeted = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    retargeted['d'] = victim.documentId;
    const otherDocument = `${Buffer.from(JSON.stringify(retargeted)).toString('base64url')}.${signature}`;

    for (const url of [`${base}?token=${flipped}`, `${base}?token=${otherDocument}`, base, `${base}?token=`]) {
      const answer = await put(url, fileOf('application/pdf'));
      expect(answer.status).toBe(403);
      expect(errorOf(answer)?.message).toContain('Request a new upload URL');
    }
    expect(storedFilesOf(courier.id)).toHaveLength(0);
  });

  it('accepts each URL once', async () => {
    const courier = await courierWithRequest();
    const { uploadUrl } = await uploadUrlFor(courier, 'VEHICLE_REGISTRATION', 'application/pdf');
    expect((await put(uploadUrl, fileOf('application/pdf'))).status).toBe(201);
    const reused = await put(uploadUrl, fileOf('application/pdf'));
    expect(reused.status).toBe(409);
    expect(errorOf(reused)).toEqual({
      message: 'This upload URL has already been used: each URL accepts one file. Request a new upload URL with requestDocumentUpload.',
      extensions: { code: 'CONFLICT' },
    });
    expect(storedFilesOf(courier.id)).toHaveLength(1);
  });

  it('refuses with 415 a PNG declared as a PDF and bytes of no accepted type, storing nothing, and then takes the right file', async () => {
    const courier = await courierWithRequest();
    const { uploadUrl } = await uploadUrlFor(courier, 'IDENTITY_DOCUMENT', 'application/pdf');

    const png = await put(uploadUrl, fileOf('image/png'), { 'content-type': 'application/pdf' });
    expect(png.status).toBe(415);
    expect(errorOf(png)).toEqual({
      message:
        "The file's bytes are a PNG image (image/png), but application/pdf was declared. Request a new upload URL declaring image/png, or upload a PDF document.",
      extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
    const random = await put(uploadUrl, Buffer.concat([Buffer.from('MZ'), randomBytes(500)]));
    expect(random.status).toBe(415);
    expect(errorOf(random)?.message).toContain("The file's bytes are not a PDF document, a JPEG image or a PNG image");
    expect(storedFilesOf(courier.id)).toHaveLength(0);

    expect((await put(uploadUrl, fileOf('application/pdf'))).status).toBe(201);
  });

  it('refuses with 413 a file over the limit, whether Content-Length says so upfront or the stream runs over', async () => {
    const courier = await courierWithRequest();
    const { uploadUrl } = await uploadUrlFor(courier, 'IDENTITY_DOCUMENT', 'application/pdf');

    const declared = await put(uploadUrl, fileOf('application/pdf', MAX_UPLOAD_BYTES + 1));
    expect(declared.status).toBe(413);
    expect(errorOf(declared)?.extensions.code).toBe('REQUEST_TOO_LARGE');

    const chunks = [magic['application/pdf'], ...Array.from({ length: 64 }, () => randomBytes(512))];
    const streamed = await putChunked(uploadUrl, chunks);
    expect(streamed.status).toBe(413);
    expect(streamed.body.errors?.[0]?.message).toContain(`limit of ${MAX_UPLOAD_BYTES} bytes`);
    // The answer came at the limit, before the client had sent the whole body.
    expect(streamed.chunksSent).toBeLessThan(chunks.length);

    // A client that sends its whole body anyway keeps its connection, through the gateway and
    // straight to the service: the rest is read and discarded, not answered with a reset that
    // could reach the client before the 413 did (it once surfaced as the gateway's 503).
    for (const url of [uploadUrl, uploadUrl.replace(test.platform.gateway.url, test.platform.subgraphs.get('verification')!.url)]) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const sentAnyway = await putChunked(url, chunks, { agent, sendAll: true });
        expect(sentAnyway.status).toBe(413);
        const next = await putChunked(url, chunks, { agent });
        expect(next.status).toBe(413);
        expect(next.connection).toBe(sentAnyway.connection);
      } finally {
        agent.destroy();
      }
    }
    expect(storedFilesOf(courier.id)).toHaveLength(0);

    const exact = await put(uploadUrl, fileOf('application/pdf', MAX_UPLOAD_BYTES));
    expect(exact).toMatchObject({ status: 201, body: { sizeBytes: MAX_UPLOAD_BYTES } });
  });

  it('keeps a replaced document as history: the second upload of a type is version 2 and supersedes the first', async () => {
    const courier = await courierWithRequest();
    const first = await upload(courier, 'PROOF_OF_ADDRESS');
    const second = await upload(courier, 'PROOF_OF_ADDRESS', 'image/jpeg');

    const proof = (await statusOf(courier)).data!.verificationStatus.requiredDocuments.find(
      (document) => document.type === 'PROOF_OF_ADDRESS',
    )!;
    expect(proof.current).toMatchObject({
      id: second.documentId,
      version: 2,
      status: 'PENDING_REVIEW',
      contentType: 'image/jpeg',
      sha256: sha256(second.file),
    });
    expect(proof.current!.history).toEqual([{ id: first.documentId, version: 1, status: 'SUPERSEDED', sha256: sha256(first.file) }]);
    expect(storedFilesOf(courier.id)).toHaveLength(2);

    const superseded = await review(admin, first.documentId, 'APPROVE');
    expect(firstCode(superseded)).toBe('CONFLICT');
    expect(superseded.errors?.[0]?.message).toContain('a newer version of it was uploaded');
    await probe.waitFor(
      (event) =>
        event.envelope?.type === 'document.uploaded' &&
        event.envelope.data.documentId === second.documentId &&
        event.envelope.data.version === 2,
    );
  });
});

// ---------------------------------------------------------------------------
// Review
// ---------------------------------------------------------------------------

describe('reviewing documents', () => {
  it('approves a courier whose every document an admin approved: the queue, the decisions, the download, verification.approved', async () => {
    const { courier, documents } = await courierInReview();
    const inReview = (await statusOf(courier)).data!.verificationStatus;
    expect(inReview.state).toBe('IN_REVIEW');

    const queue = await test.query<{
      documentReviewQueue: { totalCount: number; nodes: Array<{ id: string; uploadedAt: string; owner: { id: string } }> };
    }>('{ documentReviewQueue(first: 100) { totalCount nodes { id uploadedAt owner { id } } } }', { token: admin.accessToken });
    expect(queue.errors).toBeUndefined();
    const queued = queue.data!.documentReviewQueue.nodes;
    const uploadTimes = queued.map((node) => node.uploadedAt);
    expect(uploadTimes).toEqual([...uploadTimes].sort());
    expect(queued.filter((node) => node.owner.id === courier.id).map((node) => node.id)).toEqual(
      COURIER_DOCUMENTS.map((type) => documents[type]),
    );

    const identity = await review(admin, documents['IDENTITY_DOCUMENT']!, 'APPROVE');
    expect(identity.errors).toBeUndefined();
    expect(identity.data?.reviewDocument).toMatchObject({ status: 'APPROVED', reviewedBy: { id: admin.id }, rejectionReason: null });
    expect(identity.data?.reviewDocument.reviewedAt).not.toBeNull();

    const download = await fetch(identity.data!.reviewDocument.downloadUrl!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(identity.data!.reviewDocument.sha256);

    for (const type of COURIER_DOCUMENTS.slice(1)) expect((await review(admin, documents[type]!, 'APPROVE')).errors).toBeUndefined();
    const approved = (await statusOf(courier)).data!.verificationStatus;
    expect(approved.state).toBe('APPROVED');
    expect(approved.decidedAt).not.toBeNull();
    expect(approved.requiredDocuments.every((document) => document.status === 'APPROVED')).toBe(true);

    const [event] = await probe.waitFor(eventsFor('verification.approved', courier.id));
    expect(event!.envelope!.data).toMatchObject({ userId: courier.id, role: 'COURIER', reviewedBy: admin.id });
    expect(probe.received.filter(eventsFor('document.uploaded', courier.id))).toHaveLength(4);

    const reviewedAgain = await review(admin, documents['IDENTITY_DOCUMENT']!, 'REJECT', 'Changed my mind');
    expect(firstCode(reviewedAgain)).toBe('CONFLICT');
  });

  it('sends an approved courier who replaces a document back to review, announcing verification.requested', async () => {
    const { courier, documents } = await courierInReview();
    for (const type of COURIER_DOCUMENTS) await review(admin, documents[type]!, 'APPROVE');
    await probe.waitFor(eventsFor('verification.approved', courier.id));

    await upload(courier, 'VEHICLE_REGISTRATION');
    const status = (await statusOf(courier)).data!.verificationStatus;
    expect(status.state).toBe('IN_REVIEW');
    expect(status.decidedAt).toBeNull();
    const [requested] = await probe.waitFor(
      (event) => eventsFor('verification.requested', courier.id)(event) && event.envelope?.data.reason === 'DOCUMENT_REPLACED',
    );
    expect(requested!.envelope!.data.role).toBe('COURIER');
  });

  it('rejects a document only with a reason, which the courier sees, and announces verification.rejected', async () => {
    const { courier, documents } = await courierInReview();
    const licence = documents['DRIVING_LICENCE']!;

    for (const reason of [undefined, '  ', 'no', 'x'.repeat(501)]) {
      const refused = await review(admin, licence, 'REJECT', reason);
      expect(firstCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.extensions?.['fields']).toEqual([
        { field: 'reason', message: expect.stringContaining('between 3 and 500') },
      ]);
    }
    const rejected = await review(admin, licence, 'REJECT', '  The licence has expired; upload a current one.  ');
    expect(rejected.data?.reviewDocument).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'The licence has expired; upload a current one.',
    });

    const status = (await statusOf(courier)).data!.verificationStatus;
    expect(status.state).toBe('REJECTED');
    expect(status.requiredDocuments.find((document) => document.type === 'DRIVING_LICENCE')).toMatchObject({
      status: 'REJECTED',
      current: { rejectionReason: 'The licence has expired; upload a current one.' },
    });
    const [event] = await probe.waitFor(eventsFor('verification.rejected', courier.id));
    expect(event!.envelope!.data).toMatchObject({
      documentId: licence,
      documentType: 'DRIVING_LICENCE',
      reason: 'The licence has expired; upload a current one.',
      reviewedBy: admin.id,
    });

    await upload(courier, 'DRIVING_LICENCE');
    expect((await statusOf(courier)).data!.verificationStatus.state).toBe('IN_REVIEW');
  });

  it('approves a supplier’s ANP licence only with its authorisation number and a current validity, shows them, and announces licence.approved', async () => {
    const supplier = await registerUser(test, 'SUPPLIER', 'Revenda Paulista');
    const opened = await requestVerification(supplier, 'SUPPLIER');
    expect(opened.errors).toBeUndefined();
    const { documentId: licence } = await upload(supplier, 'GAS_DISTRIBUTION_LICENCE');
    const { documentId: identity } = await upload(supplier, 'IDENTITY_DOCUMENT');
    const nextYear = `${new Date().getUTCFullYear() + 1}-06-30`;

    const refusals: Array<[{ authorizationNumber?: string; validUntil?: string } | undefined, string[]]> = [
      [undefined, ['licence.authorizationNumber', 'licence.validUntil']],
      [{ authorizationNumber: ' ', validUntil: nextYear }, ['licence.authorizationNumber']],
      [{ authorizationNumber: 'ANP-SP-0042', validUntil: '2020-01-31' }, ['licence.validUntil']],
      [{ authorizationNumber: 'ANP-SP-0042', validUntil: '31/12/2030' }, ['licence.validUntil']],
      [{ authorizationNumber: 'ANP-SP-0042', validUntil: '2030-02-30' }, ['licence.validUntil']],
    ];
    for (const [details, fields] of refusals) {
      const refused = await review(admin, licence, 'APPROVE', undefined, details);
      expect(firstCode(refused), JSON.stringify(details)).toBe('BAD_USER_INPUT');
      expect((refused.errors?.[0]?.extensions?.['fields'] as Array<{ field: string }>).map((problem) => problem.field)).toEqual(fields);
    }
    const misplaced = await review(admin, identity, 'APPROVE', undefined, { authorizationNumber: 'ANP-SP-0042', validUntil: nextYear });
    expect(firstCode(misplaced)).toBe('BAD_USER_INPUT');
    expect((await review(admin, identity, 'APPROVE')).data?.reviewDocument.licence).toBeNull();

    const approved = await review(admin, licence, 'APPROVE', undefined, { authorizationNumber: ' ANP-SP-0042 ', validUntil: nextYear });
    expect(approved.data?.reviewDocument).toMatchObject({
      status: 'APPROVED',
      licence: { authorizationNumber: 'ANP-SP-0042', validUntil: nextYear },
    });
    const shown = (await statusOf(supplier)).data!.verificationStatus.requiredDocuments.find(
      (document) => document.type === 'GAS_DISTRIBUTION_LICENCE',
    );
    expect(shown?.current?.licence).toEqual({ authorizationNumber: 'ANP-SP-0042', validUntil: nextYear });
    const [first] = await probe.waitFor(eventsFor('licence.approved', supplier.id));
    expect(first!.envelope!.data).toEqual({
      userId: supplier.id,
      documentId: licence,
      authorizationNumber: 'ANP-SP-0042',
      validUntil: nextYear,
      reviewedBy: admin.id,
      approvedAt: approved.data!.reviewDocument.reviewedAt,
    });

    // A renewed licence, approved later, is announced again with its own details.
    const { documentId: renewed } = await upload(supplier, 'GAS_DISTRIBUTION_LICENCE');
    const later = `${new Date().getUTCFullYear() + 3}-06-30`;
    await review(admin, renewed, 'APPROVE', undefined, { authorizationNumber: 'ANP-SP-0099', validUntil: later });
    await probe.waitFor((event) => eventsFor('licence.approved', supplier.id)(event) && event.envelope?.data.documentId === renewed);
    expect(
      probe.received.filter(eventsFor('licence.approved', supplier.id)).map((event) => event.envelope!.data.authorizationNumber),
    ).toEqual(['ANP-SP-0042', 'ANP-SP-0099']);
  });

  it('refuses reviews by anyone but an admin', async () => {
    const { courier, documents } = await courierInReview();
    const supplier = await registerUser(test, 'SUPPLIER');
    for (const reviewer of [courier, supplier]) {
      const refused = await review(reviewer, documents['IDENTITY_DOCUMENT']!, 'APPROVE');
      expect(firstCode(refused)).toBe('FORBIDDEN');
    }
    const queue = await test.query('{ documentReviewQueue { totalCount } }', { token: courier.accessToken });
    expect(firstCode(queue)).toBe('FORBIDDEN');
    expect((await statusOf(courier)).data!.verificationStatus.requiredDocuments[0]!.status).toBe('PENDING_REVIEW');
  });

  it('refuses an admin whose second factor is not recent with MFA_REQUIRED STEP_UP_REQUIRED, and one without a second factor with ENROLMENT_REQUIRED', async () => {
    const { documents } = await courierInReview();
    // What accounts issues when an MFA session is refreshed an hour later: the same
    // auth_time, now older than MFA_MAX_AGE_SECONDS (900 s by default).
    const issuer = accountsInternals(test).accessTokens;
    const stale = await issuer.issue(
      { id: admin.id, roles: ['ADMIN'], verified: false },
      { amr: ['pwd', 'otp'], authTime: new Date(Date.now() - 3_600_000) },
    );
    const refused = await review(stale.token, documents['IDENTITY_DOCUMENT']!, 'APPROVE');
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'MFA_REQUIRED', reason: 'STEP_UP_REQUIRED' });

    const passwordOnly = await issuer.issue({ id: admin.id, roles: ['ADMIN'], verified: false }, { amr: ['pwd'], authTime: new Date() });
    const unenrolled = await review(passwordOnly.token, documents['IDENTITY_DOCUMENT']!, 'APPROVE');
    expect(unenrolled.errors?.[0]?.extensions).toMatchObject({ code: 'MFA_REQUIRED', reason: 'ENROLMENT_REQUIRED' });

    expect((await review(admin, documents['IDENTITY_DOCUMENT']!, 'APPROVE')).data?.reviewDocument.status).toBe('APPROVED');
  });

  it('announces verification.approved exactly once when two admins approve the last two documents at the same time', async () => {
    const { courier, documents } = await courierInReview();
    const second = await createAdmin(test);
    await review(admin, documents['IDENTITY_DOCUMENT']!, 'APPROVE');
    await review(admin, documents['PROOF_OF_ADDRESS']!, 'APPROVE');
    const [a, b] = await Promise.all([
      review(admin, documents['DRIVING_LICENCE']!, 'APPROVE'),
      review(second, documents['VEHICLE_REGISTRATION']!, 'APPROVE'),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect((await statusOf(courier)).data!.verificationStatus.state).toBe('APPROVED');
    await probe.waitFor(eventsFor('verification.approved', courier.id));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(probe.received.filter(eventsFor('verification.approved', courier.id))).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------
// Events consumed
// ---------------------------------------------------------------------------

describe('reacting to other services’ events', () => {
  it('opens a request when a supplier accepts an invitation, once however often the event is delivered', async () => {
    const userId = randomUUID();
    const invitationId = randomUUID();
    const data = {
      invitationId,
      userId,
      role: 'SUPPLIER' as const,
      invitedBy: admin.id,
      inviterRoles: ['ADMIN' as const],
      acceptedAt: new Date().toISOString(),
    };
    const envelope = await publish(InvitationEvents.accepted, invitationId, data);
    const [requested] = await probe.waitFor(eventsFor('verification.requested', userId));
    expect(requested!.envelope!.data).toMatchObject({
      role: 'SUPPLIER',
      reason: 'INVITATION_ACCEPTED',
      requiredDocuments: ['IDENTITY_DOCUMENT', 'PROOF_OF_ADDRESS', 'GAS_DISTRIBUTION_LICENCE', 'COMPANY_REGISTRY'],
    });
    expect(requested!.envelope!.correlationId).toBe(envelope.correlationId);

    // Redelivered as it was, and the same acceptance as a new event: neither opens a second request.
    await test.platform.eventBus.publish([{ topic: INVITATION_TOPIC, key: invitationId, value: JSON.stringify(envelope) }]);
    await publish(InvitationEvents.accepted, invitationId, data);
    const customer = randomUUID();
    await publish(InvitationEvents.accepted, randomUUID(), { ...data, userId: customer, role: 'CUSTOMER' });
    await eventually(
      async () => {
        const consumer = test.platform.subgraphs
          .get('verification')!
          .consumers.find((candidate) => candidate.name === 'verification.invitation-acceptances')!;
        return consumer.stats().handled + consumer.stats().duplicates >= 4 ? true : undefined;
      },
      15_000,
      'the three later deliveries handled',
    );
    expect(probe.received.filter(eventsFor('verification.requested', userId))).toHaveLength(1);

    const status = await statusOf(admin, userId);
    expect(status.data?.verificationStatus).toMatchObject({ role: 'SUPPLIER', state: 'PENDING_DOCUMENTS' });
    expect((await statusOf(admin, customer)).data?.verificationStatus.state).toBe('NOT_REQUESTED');
  });

  it('deletes a deleted user’s files from the storage and their download URLs, keeping the hashes and decisions', async () => {
    const { courier, documents } = await courierInReview();
    await review(admin, documents['IDENTITY_DOCUMENT']!, 'APPROVE');
    expect(storedFilesOf(courier.id)).toHaveLength(4);
    const before = (await statusOf(admin, courier.id)).data!.verificationStatus;
    const downloadUrl = before.requiredDocuments[0]!.current!.downloadUrl!;
    const unused = await uploadUrlFor(courier, 'PROOF_OF_ADDRESS', 'application/pdf');

    await publish(UserEvents.deleted, courier.id, { userId: courier.id, roles: ['COURIER'] });
    await eventually(async () => (storedFilesOf(courier.id).length === 0 ? true : undefined), 15_000, 'the files deleted');

    const after = (await statusOf(admin, courier.id)).data!.verificationStatus;
    expect(after.requiredDocuments.map((document) => document.current?.downloadUrl)).toEqual([null, null, null, null]);
    expect(after.requiredDocuments.map((document) => document.current?.sha256)).toEqual(
      before.requiredDocuments.map((document) => document.current?.sha256),
    );
    expect(after.requiredDocuments[0]!.current).toMatchObject({ status: 'APPROVED', reviewedBy: { id: admin.id } });
    expect((await fetch(downloadUrl)).status).toBe(404);
    expect((await put(unused.uploadUrl, fileOf('application/pdf'))).status).toBe(403);
  });
});
