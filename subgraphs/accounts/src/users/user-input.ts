import { invalidInput, type FieldProblem } from '#kit';
import { passwordWeakness } from '../credentials/password-policy.js';

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by use, not by regex.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Normalises a phone number to E.164. Numbers without a country code are
 * taken as Brazilian (+55), the marketplace's home.
 */
export function normalisePhone(phone: string): string | undefined {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[\s().-]/g, '');
  const e164 = digits.startsWith('+') ? digits : `+55${digits.replace(/^0/, '')}`;
  return /^\+[1-9][0-9]{7,14}$/.test(e164) ? e164 : undefined;
}

export interface ProfileFields {
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  password?: string | null;
}

export interface NormalisedProfile {
  email?: string;
  phone?: string;
  name?: string;
  password?: string;
}

/** Validates every given field at once and throws BAD_USER_INPUT listing all problems. */
export function validateProfile(input: ProfileFields, prefix = 'input'): NormalisedProfile {
  const problems: FieldProblem[] = [];
  const result: NormalisedProfile = {};
  if (input.email !== undefined && input.email !== null) {
    const email = normaliseEmail(input.email);
    if (!emailPattern.test(email) || email.length > 254) {
      problems.push({ field: `${prefix}.email`, message: 'is not a valid email address, e.g. maria@example.com' });
    } else result.email = email;
  }
  if (input.phone !== undefined && input.phone !== null) {
    const phone = normalisePhone(input.phone);
    if (phone === undefined) {
      problems.push({ field: `${prefix}.phone`, message: 'is not a valid phone number; use E.164, e.g. +5511987654321' });
    } else result.phone = phone;
  }
  if (input.name !== undefined && input.name !== null) {
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (name.length < 2 || name.length > 120) {
      problems.push({ field: `${prefix}.name`, message: 'must be between 2 and 120 characters' });
    } else result.name = name;
  }
  if (input.password !== undefined && input.password !== null) {
    const weakness = passwordWeakness(input.password, [input.email ?? '', input.name ?? '']);
    if (weakness !== undefined) problems.push({ field: `${prefix}.password`, message: weakness });
    else result.password = input.password;
  }
  if (problems.length > 0) throw invalidInput(problems);
  return result;
}
