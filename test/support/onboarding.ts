import type { TestPlatform } from './platform.js';
import { registerUser, STRONG_PASSWORD, signIn, type SignedInUser } from './users.js';

/** The smallest file the verification service accepts as a PDF: it checks the magic bytes. */
export const SMALL_PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/**
 * A supplier or courier whose documents count as approved, for tests that are
 * not about onboarding: the account is created through accounts' internals
 * (as registerUser's uninvited shortcut does) and marked verified in accounts'
 * database, so its first access token already says `verified: true`. Tests of
 * onboarding itself use `onboard`, which goes through invitations, uploads and
 * reviews.
 */
export async function verifiedUser(test: TestPlatform, role: 'SUPPLIER' | 'COURIER', name = 'Maria Silva'): Promise<SignedInUser> {
  const user = await registerUser(test, role, name);
  const accounts = test.platform.subgraphs.get('accounts');
  if (accounts === undefined) throw new Error('accounts subgraph not running');
  await accounts.database.pool.query('UPDATE users SET verified = true WHERE id = $1', [user.id]);
  return signIn(test, user.email, STRONG_PASSWORD);
}

/** Creates an invitation as `inviter` and returns its code. */
export async function invite(
  test: TestPlatform,
  inviter: SignedInUser,
  role: 'CUSTOMER' | 'SUPPLIER' | 'COURIER',
  email = `invitee-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`,
): Promise<string> {
  const result = await test.query<{ createInvitation: { code: string } }>(
    'mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { code } }',
    { token: inviter.accessToken, variables: { input: { role, email } } },
  );
  if (!result.data?.createInvitation) throw new Error(`createInvitation failed: ${JSON.stringify(result.errors)}`);
  return result.data.createInvitation.code;
}

export interface VerificationView {
  state: string;
  requiredDocuments: Array<{ type: string; status: string }>;
}

export async function verificationStatus(test: TestPlatform, user: SignedInUser): Promise<VerificationView> {
  const result = await test.query<{ verificationStatus: VerificationView }>(
    '{ verificationStatus { state requiredDocuments { type status } } }',
    { token: user.accessToken },
  );
  if (!result.data?.verificationStatus) throw new Error(`verificationStatus failed: ${JSON.stringify(result.errors)}`);
  return result.data.verificationStatus;
}

/** Asks for a signed upload URL and PUTs the bytes there, as a mobile client does; returns the document id. */
export async function uploadDocument(
  test: TestPlatform,
  user: SignedInUser,
  documentType: string,
  bytes: Buffer = SMALL_PDF,
  contentType = 'application/pdf',
): Promise<string> {
  const requested = await test.query<{ requestDocumentUpload: { documentId: string; uploadUrl: string; method: string } }>(
    'mutation ($input: RequestDocumentUploadInput!) { requestDocumentUpload(input: $input) { documentId uploadUrl method } }',
    { token: user.accessToken, variables: { input: { documentType, contentType } } },
  );
  const upload = requested.data?.requestDocumentUpload;
  if (!upload) throw new Error(`requestDocumentUpload failed: ${JSON.stringify(requested.errors)}`);
  const response = await fetch(upload.uploadUrl, {
    method: upload.method,
    body: new Uint8Array(bytes),
    headers: { 'content-type': contentType },
  });
  if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  return upload.documentId;
}

/**
 * Approves a document as an admin whose second factor is recent; a GAS_DISTRIBUTION_LICENCE
 * needs its `licence` details (authorisation number and last valid day).
 */
export async function approveDocument(
  test: TestPlatform,
  admin: SignedInUser,
  documentId: string,
  licence?: { authorizationNumber: string; validUntil: string },
): Promise<void> {
  const result = await test.query<{ reviewDocument: { status: string } }>(
    'mutation ($id: ID!, $licence: LicenceDetailsInput) { reviewDocument(documentId: $id, decision: APPROVE, licence: $licence) { status } }',
    { token: admin.accessToken, variables: { id: documentId, licence: licence ?? null } },
  );
  if (result.data?.reviewDocument.status !== 'APPROVED') throw new Error(`reviewDocument failed: ${JSON.stringify(result.errors)}`);
}

/** Refreshes the session until the user's new access token says verified (each refresh rotates the pair). */
export async function refreshUntilVerified(test: TestPlatform, user: SignedInUser, timeoutMs = 20_000): Promise<SignedInUser> {
  const deadline = Date.now() + timeoutMs;
  let current = user;
  for (;;) {
    const refreshed = await test.query<{ refreshSession: { accessToken: string; refreshToken: string; user: { verified: boolean } } }>(
      'mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken user { verified } } }',
      { variables: { token: current.refreshToken } },
    );
    const session = refreshed.data?.refreshSession;
    if (!session) throw new Error(`refreshSession failed: ${JSON.stringify(refreshed.errors)}`);
    current = { ...current, accessToken: session.accessToken, refreshToken: session.refreshToken };
    if (session.user.verified) return current;
    if (Date.now() > deadline) throw new Error(`the user's verification did not reach accounts within ${timeoutMs} ms`);
    // Slow enough to stay far below the gateway's per-user rate limit.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
