/** How a user is reached outside the app. Accounts owns these; its events do not carry them. */
export interface ContactDetails {
  email: string | null;
  phone: string | null;
}

/** Where contact details come from (accounts, over its private route). */
export interface ContactSource {
  /** The user's details, or null when accounts does not know the user. Throws ContactsUnavailableError when it cannot tell. */
  contactOf(userId: string): Promise<ContactDetails | null>;
}

export class ContactsUnavailableError extends Error {
  override readonly name = 'ContactsUnavailableError';
}
