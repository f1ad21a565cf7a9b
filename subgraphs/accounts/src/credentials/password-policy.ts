/** Why a password is refused, or undefined when it is acceptable. */
export function passwordWeakness(password: string, personal: readonly string[] = []): string | undefined {
  if (password.length < 10) return 'must be at least 10 characters long';
  if (password.length > 256) return 'must be at most 256 characters long';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  if (classes < 3) return 'must mix at least three of: lower-case letters, upper-case letters, digits, symbols';
  if (new Set(password).size < 5) return 'must not repeat the same few characters';
  const lowered = password.toLowerCase();
  for (const value of personal) {
    const part = value.toLowerCase().split('@')[0] ?? '';
    if (part.length >= 4 && lowered.includes(part)) return 'must not contain your name or email';
  }
  return undefined;
}
