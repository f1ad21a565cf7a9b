// Deliberately simple: one @, no spaces, a dot in the domain. Delivery proves an address, not a regex.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** A lower-cased email address, or undefined when it cannot be one. */
export function normaliseEmail(input: string): string | undefined {
  const email = input.trim().toLowerCase();
  return emailPattern.test(email) && email.length <= 254 ? email : undefined;
}

/**
 * A phone number in E.164, or undefined when it cannot be one. Numbers
 * without a country code are Brazilian (+55), the marketplace's home, as
 * accounts reads them.
 */
export function normalisePhone(input: string): string | undefined {
  const digits = input.trim().replace(/[\s().-]/g, '');
  const e164 = digits.startsWith('+') ? digits : `+55${digits.replace(/^0/, '')}`;
  return /^\+[1-9][0-9]{7,14}$/.test(e164) ? e164 : undefined;
}
