import { describe, expect, it } from 'vitest';
import { decidedAtFor, settleRequest } from '../src/verification/verification-state.js';

const required = ['IDENTITY_DOCUMENT', 'PROOF_OF_ADDRESS'];
const doc = (documentType: string, status: 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED') => ({ documentType, status });

describe('a verification request’s state', () => {
  it('waits for documents while any required one is missing', () => {
    expect(settleRequest(required, [])).toBe('PENDING_DOCUMENTS');
    expect(settleRequest(required, [doc('IDENTITY_DOCUMENT', 'APPROVED')])).toBe('PENDING_DOCUMENTS');
  });

  it('is in review once everything is uploaded and something waits for an admin', () => {
    expect(settleRequest(required, [doc('IDENTITY_DOCUMENT', 'APPROVED'), doc('PROOF_OF_ADDRESS', 'PENDING_REVIEW')])).toBe('IN_REVIEW');
  });

  it('is approved only when every required document is', () => {
    expect(settleRequest(required, [doc('IDENTITY_DOCUMENT', 'APPROVED'), doc('PROOF_OF_ADDRESS', 'APPROVED')])).toBe('APPROVED');
  });

  it('is rejected while any required document is, even with others missing', () => {
    expect(settleRequest(required, [doc('PROOF_OF_ADDRESS', 'REJECTED')])).toBe('REJECTED');
  });

  it('ignores documents of types the role no longer requires', () => {
    expect(settleRequest(['IDENTITY_DOCUMENT'], [doc('IDENTITY_DOCUMENT', 'APPROVED'), doc('PROOF_OF_ADDRESS', 'REJECTED')])).toBe(
      'APPROVED',
    );
  });

  it('keeps the first decision time while the decision stands, and drops it when the request reopens', () => {
    const then = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-02T00:00:00Z');
    expect(decidedAtFor('APPROVED', { state: 'IN_REVIEW', decidedAt: null }, now)).toEqual(now);
    expect(decidedAtFor('REJECTED', { state: 'REJECTED', decidedAt: then }, now)).toEqual(then);
    expect(decidedAtFor('REJECTED', { state: 'APPROVED', decidedAt: then }, now)).toEqual(now);
    expect(decidedAtFor('IN_REVIEW', { state: 'APPROVED', decidedAt: then }, now)).toBeNull();
  });
});
