import { describe, expect, it } from 'vitest';
import { licenceDetailsFor } from '../src/verification/licence-details.js';

const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    const extensions = (error as { extensions?: { code?: string; fields?: Array<{ field: string }> } }).extensions;
    expect(extensions?.code).toBe('BAD_USER_INPUT');
    return (extensions?.fields ?? []).map((problem) => problem.field);
  }
  throw new Error('expected a refusal');
};

// 02:30 UTC on 1 March is still 28 February in São Paulo (UTC−3).
const now = new Date('2027-03-01T02:30:00Z');

describe('licence details on a review', () => {
  it('takes a trimmed number and a validity from today, on São Paulo’s calendar, when approving a licence', () => {
    expect(
      licenceDetailsFor('GAS_DISTRIBUTION_LICENCE', 'APPROVE', { authorizationNumber: ' ANP-1 ', validUntil: '2027-02-28' }, now),
    ).toEqual({
      authorizationNumber: 'ANP-1',
      validUntil: '2027-02-28',
    });
  });

  it('refuses a missing number, and a validity missing, past, malformed or not a day', () => {
    expect(fieldsOf(() => licenceDetailsFor('GAS_DISTRIBUTION_LICENCE', 'APPROVE', null, now))).toEqual([
      'licence.authorizationNumber',
      'licence.validUntil',
    ]);
    for (const validUntil of ['2027-02-27', '2027-2-28', '28/02/2027', '2027-02-29', ''])
      expect(
        fieldsOf(() => licenceDetailsFor('GAS_DISTRIBUTION_LICENCE', 'APPROVE', { authorizationNumber: 'ANP-1', validUntil }, now)),
      ).toEqual(['licence.validUntil']);
  });

  it('records nothing when a licence is rejected, and refuses details on another document type', () => {
    expect(licenceDetailsFor('GAS_DISTRIBUTION_LICENCE', 'REJECT', null, now)).toBeNull();
    expect(licenceDetailsFor('IDENTITY_DOCUMENT', 'APPROVE', undefined, now)).toBeNull();
    expect(
      fieldsOf(() => licenceDetailsFor('IDENTITY_DOCUMENT', 'APPROVE', { authorizationNumber: 'ANP-1', validUntil: '2030-01-01' }, now)),
    ).toEqual(['licence']);
  });
});
