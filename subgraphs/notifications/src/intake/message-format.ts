import type { Locale } from '../templates/template.js';

/** An amount in minor units as money in the reader's locale; the division is for display only. */
export function formatMoney(amountMinor: number, currency: string, locale: Locale): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amountMinor / 10 ** digits);
}

/** The short order reference people read: the first eight characters of its id. */
export const orderRef = (orderId: string) => `#${orderId.slice(0, 8).toUpperCase()}`;

/** A distance for people: metres below one kilometre, else kilometres with one decimal. */
export function formatDistance(meters: number, locale: Locale): string {
  if (meters < 1000) return `${new Intl.NumberFormat(locale).format(Math.round(meters))} m`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(meters / 1000)} km`;
}

const severities: Record<Locale, Record<string, string>> = {
  'pt-BR': { INFO: 'informativo', WARNING: 'de atenção', CRITICAL: 'crítico' },
  en: { INFO: 'Informational', WARNING: 'Warning', CRITICAL: 'Critical' },
};
export const severityName = (severity: string, locale: Locale) => severities[locale][severity] ?? severity;

/** A report's period as people read it: its first and last day in São Paulo's calendar. */
export function formatPeriod(startIso: string, endIso: string, locale: Locale): string {
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone: 'America/Sao_Paulo' });
  // The period's end is exclusive: its last day is the one before.
  return `${day.format(new Date(startIso))} – ${day.format(new Date(new Date(endIso).getTime() - 1))}`;
}

/** A local date (YYYY-MM-DD, no time of day) as people read it; formatted at noon UTC so no zone moves it to another day. */
export function formatLocalDate(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: 'America/Sao_Paulo' }).format(new Date(iso));
}

const roleNames: Record<Locale, Record<string, string>> = {
  'pt-BR': { CUSTOMER: 'cliente', SUPPLIER: 'revendedor', COURIER: 'entregador' },
  en: { CUSTOMER: 'customer', SUPPLIER: 'supplier', COURIER: 'courier' },
};
export const roleName = (role: string, locale: Locale) => roleNames[locale][role] ?? role;

const cancellationReasons: Record<Locale, Record<string, string>> = {
  'pt-BR': {
    CUSTOMER_REQUEST: 'a pedido do cliente.',
    SUPPLIER_REQUEST: 'a pedido da revenda.',
    ADMIN_REQUEST: 'pela administração.',
    STOCK_UNAVAILABLE: 'sem estoque disponível.',
    PAYMENT_EXPIRED: 'o pagamento não foi feito a tempo.',
    STORE_REJECTED: 'a revenda recusou o pedido.',
    STORE_DID_NOT_ANSWER: 'a revenda não respondeu a tempo.',
  },
  en: {
    CUSTOMER_REQUEST: 'at the customer’s request.',
    SUPPLIER_REQUEST: 'at the supplier’s request.',
    ADMIN_REQUEST: 'by an administrator.',
    STOCK_UNAVAILABLE: 'the stock is not available.',
    PAYMENT_EXPIRED: 'the payment was not made in time.',
    STORE_REJECTED: 'the store turned it down.',
    STORE_DID_NOT_ANSWER: 'the store did not answer in time.',
  },
};
export const cancellationReason = (code: string, locale: Locale) => cancellationReasons[locale][code] ?? code;

const paymentFailures: Record<Locale, Record<string, string>> = {
  'pt-BR': {
    DECLINED: 'recusado.',
    INSUFFICIENT_FUNDS: 'saldo insuficiente.',
    PROVIDER_ERROR: 'erro no provedor.',
    EXPIRED: 'prazo expirado.',
  },
  en: { DECLINED: 'declined.', INSUFFICIENT_FUNDS: 'insufficient funds.', PROVIDER_ERROR: 'provider error.', EXPIRED: 'expired.' },
};
export const paymentFailure = (code: string, locale: Locale) => paymentFailures[locale][code] ?? code;
