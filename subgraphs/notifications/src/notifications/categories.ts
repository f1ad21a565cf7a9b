import type { NotificationCategory, NotificationChannel } from '../database.js';

export const CATEGORIES: readonly NotificationCategory[] = ['ORDER', 'PAYMENT', 'DELIVERY', 'ACCOUNT', 'MARKETING', 'OPERATIONS'];
export const CHANNELS: readonly NotificationChannel[] = ['IN_APP', 'EMAIL', 'SMS', 'PUSH'];

/**
 * Messages people must get — money, deliveries, and operators' alerts and reports: preferences
 * cannot switch these off.
 */
const TRANSACTIONAL: ReadonlySet<NotificationCategory> = new Set(['ORDER', 'PAYMENT', 'DELIVERY', 'OPERATIONS']);

export const isTransactional = (category: NotificationCategory) => TRANSACTIONAL.has(category);
