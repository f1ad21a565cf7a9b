import { invalidInput, zonedDate, type FieldProblem } from '#kit';

/** The document type whose approval records an ANP authorisation and tells products about it. */
export const LICENCE_DOCUMENT_TYPE = 'GAS_DISTRIBUTION_LICENCE';

/** ANP authorisations are Brazilian: "past" is judged on the calendar of São Paulo, not of the server. */
const LICENCE_TIME_ZONE = 'America/Sao_Paulo';

const AUTHORIZATION_NUMBER_LENGTH = { min: 3, max: 64 } as const;

/** What the admin reads off the licence when approving it. */
export interface LicenceDetailsInput {
  authorizationNumber?: string | null;
  validUntil?: string | null;
}

export interface LicenceDetails {
  authorizationNumber: string;
  /** The last day it is valid, YYYY-MM-DD. */
  validUntil: string;
}

/**
 * The licence details a review must carry: required (and checked) when approving a
 * GAS_DISTRIBUTION_LICENCE; ignored when rejecting one, as nothing is recorded then; refused on
 * any other document type, where they would be silently meaningless.
 */
export function licenceDetailsFor(
  documentType: string,
  decision: 'APPROVE' | 'REJECT',
  input: LicenceDetailsInput | null | undefined,
  now: Date,
): LicenceDetails | null {
  if (documentType !== LICENCE_DOCUMENT_TYPE) {
    if (input !== null && input !== undefined)
      throw invalidInput([
        { field: 'licence', message: `is only for ${LICENCE_DOCUMENT_TYPE} documents; leave it out for ${documentType}` },
      ]);
    return null;
  }
  if (decision === 'REJECT') return null;
  const problems: FieldProblem[] = [];
  const authorizationNumber = input?.authorizationNumber?.trim() ?? '';
  const { min, max } = AUTHORIZATION_NUMBER_LENGTH;
  if (authorizationNumber.length < min || authorizationNumber.length > max)
    problems.push({
      field: 'licence.authorizationNumber',
      message: `is required when approving a licence: the ANP authorisation number as printed, ${min} to ${max} characters`,
    });
  const validUntil = input?.validUntil ?? '';
  const today = zonedDate(now, LICENCE_TIME_ZONE).date;
  if (!isCalendarDate(validUntil))
    problems.push({ field: 'licence.validUntil', message: 'is required when approving a licence: the last valid day as YYYY-MM-DD' });
  else if (validUntil < today)
    problems.push({
      field: 'licence.validUntil',
      message: `is in the past (today is ${today} in São Paulo): an expired licence cannot be approved`,
    });
  if (problems.length > 0) throw invalidInput(problems);
  return { authorizationNumber, validUntil };
}

/** YYYY-MM-DD naming a day that exists (not 2027-02-30). */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}
