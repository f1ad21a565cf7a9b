/**
 * Kafka topics, named after the seeds' design (004) plus `product.events` and
 * `invitation.events`, which the catalog and onboarding need. EVENTS.md lists what travels on each.
 */
export const Topic = {
  USER: 'user.events',
  PRODUCT: 'product.events',
  INVITATION: 'invitation.events',
  ORDER: 'order.events',
  VERIFICATION: 'verification.events',
  NOTIFICATION: 'notification.events',
  PAYMENT: 'payment.events',
  ANALYTICS: 'analytics.events',
  ALERT: 'alert.events',
  /** Events a consumer could not handle, with the reason and origin in headers. */
  DEAD_LETTER: 'dead-letter.events',
} as const;

export type Topic = (typeof Topic)[keyof typeof Topic];

export const allTopics: readonly Topic[] = Object.values(Topic);
