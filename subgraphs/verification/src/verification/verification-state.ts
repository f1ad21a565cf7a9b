import type { DocumentStatus, RequestState } from '../database.js';

/** Where one required document stands: its current version's status, or MISSING. */
export type RequiredDocumentStatus = 'MISSING' | 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED';

/** The statuses a current (uploaded, not superseded) document can have. */
export const currentStatuses = ['PENDING_REVIEW', 'APPROVED', 'REJECTED'] as const satisfies readonly DocumentStatus[];

export function requiredDocumentStatus(current: { status: DocumentStatus } | undefined): RequiredDocumentStatus {
  if (current === undefined) return 'MISSING';
  return current.status === 'APPROVED' || current.status === 'REJECTED' ? current.status : 'PENDING_REVIEW';
}

/**
 * A request's state from its required documents. A rejection needs the user's
 * action first, then a missing document; with everything uploaded the request
 * is in review until every document is approved.
 */
export function requestStateOf(statuses: readonly RequiredDocumentStatus[]): RequestState {
  if (statuses.includes('REJECTED')) return 'REJECTED';
  if (statuses.includes('MISSING')) return 'PENDING_DOCUMENTS';
  if (statuses.includes('PENDING_REVIEW')) return 'IN_REVIEW';
  return 'APPROVED';
}

/** The state of a request with these required types, given its current documents. */
export function settleRequest(
  required: readonly string[],
  current: ReadonlyArray<{ documentType: string; status: DocumentStatus }>,
): RequestState {
  const byType = new Map(current.map((document) => [document.documentType, document]));
  return requestStateOf(required.map((type) => requiredDocumentStatus(byType.get(type))));
}

/** A decided state carries the time of its decision; any other has none. */
export function decidedAtFor(state: RequestState, previous: { state: RequestState; decidedAt: Date | null }, now: Date): Date | null {
  if (state !== 'APPROVED' && state !== 'REJECTED') return null;
  return previous.state === state && previous.decidedAt !== null ? previous.decidedAt : now;
}
