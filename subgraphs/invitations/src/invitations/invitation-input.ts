import { invalidInput, type FieldProblem } from '#kit';
import type { InvitationChannel, InvitationRole } from '../database.js';
import { normaliseEmail, normalisePhone } from './recipient.js';

export const DEFAULT_EXPIRY_HOURS = 72;
export const MAX_EXPIRY_HOURS = 720;
export const MAX_USES = 1000;

export interface CreateInvitationInput {
  role: InvitationRole;
  email?: string | null;
  phone?: string | null;
  expiresInHours?: number | null;
  maxUses?: number | null;
}

export interface ValidInvitation {
  role: InvitationRole;
  channel: InvitationChannel;
  recipient: string;
  expiresInHours: number;
  maxUses: number;
}

const given = (value: string | null | undefined): value is string => value !== undefined && value !== null && value.trim() !== '';

/** Validates a new invitation, reporting every problem at once. */
export function validateInvitationInput(input: CreateInvitationInput): ValidInvitation {
  const problems: FieldProblem[] = [];
  let channel: InvitationChannel = 'EMAIL';
  let recipient = '';
  if (given(input.email) && given(input.phone)) {
    problems.push({ field: 'input.phone', message: 'give either an email or a phone number, not both' });
  } else if (given(input.email)) {
    const email = normaliseEmail(input.email);
    if (email === undefined) problems.push({ field: 'input.email', message: 'is not a valid email address, e.g. maria@example.com' });
    else recipient = email;
  } else if (given(input.phone)) {
    const phone = normalisePhone(input.phone);
    if (phone === undefined)
      problems.push({ field: 'input.phone', message: 'is not a valid phone number; use E.164, e.g. +5511987654321' });
    else [channel, recipient] = ['SMS', phone];
  } else {
    problems.push({ field: 'input.email', message: 'give the email address or the phone number the invitation goes to' });
  }
  const expiresInHours = input.expiresInHours ?? DEFAULT_EXPIRY_HOURS;
  if (!Number.isInteger(expiresInHours) || expiresInHours < 1 || expiresInHours > MAX_EXPIRY_HOURS) {
    problems.push({ field: 'input.expiresInHours', message: `must be a whole number of hours from 1 to ${MAX_EXPIRY_HOURS}` });
  }
  const maxUses = input.maxUses ?? 1;
  if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > MAX_USES) {
    problems.push({ field: 'input.maxUses', message: `must be a whole number from 1 to ${MAX_USES}` });
  }
  if (problems.length > 0) throw invalidInput(problems);
  return { role: input.role, channel, recipient, expiresInHours, maxUses };
}
