import { hasRole, Role, type Viewer } from '#kit';
import type { Payment } from './payment-store.js';

/** The payer and admins see a payment. For everyone else it does not exist: same answer as a missing one. */
export function seesPayment(viewer: Viewer | null, payment: Pick<Payment, 'customerId'>): boolean {
  return viewer !== null && (viewer.userId === payment.customerId || hasRole(viewer, Role.ADMIN));
}

/** Only the payer needs the Pix code; nobody else should be able to pay with it. */
export function seesPixCode(viewer: Viewer | null, payment: Pick<Payment, 'customerId'>): boolean {
  return viewer !== null && viewer.userId === payment.customerId;
}
