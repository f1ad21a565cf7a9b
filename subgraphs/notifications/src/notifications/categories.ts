import type { NotificationCategory, NotificationChannel } from '../database.js';

export const CATEGORIES: readonly NotificationCategory[] = ['ORDER', 'PAYMENT', 'DELIVERY', 'ACCOUNT', 'MARKETING'];
export const CHANNELS: readonly NotificationChannel[] = ['IN_APP', 'EMAIL', 'SMS', 'PUSH'];

/** Messages about money and deliveries people must get: preferences cannot switch these off. */
const TRANSACTIONAL: ReadonlySet<NotificationCategory> = new Set(['ORDER', 'PAYMENT', 'DELIVERY']);

export const isTransactional = (category: NotificationCategory) => TRANSACTIONAL.has(category);
