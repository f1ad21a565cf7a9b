import { zonedDate, type OpeningState } from '#kit';
import { authorizationValidOn, pausedAt } from '../events/index.js';
import type { Store, StoreAuthorization } from './store.js';

/** Why a store does or does not take orders now, most fundamental reason first. */
export type StoreStatus = 'OPEN' | 'CLOSED' | 'PAUSED' | 'AUTHORIZATION_EXPIRED' | 'NOT_AUTHORIZED' | 'INACTIVE' | 'SETUP_REQUIRED';

export interface StoreState {
  status: StoreStatus;
  /** Open by its hours (whatever else holds it back). */
  openNow: boolean;
  /** While closed by its hours: the next opening within two weeks. */
  opensAt: Date | null;
  /** While open by its hours: when it closes next. */
  closesAt: Date | null;
  /** The pause holding now; a pause whose `until` passed has lifted itself. */
  pauseHolds: boolean;
  /** Valid on today's date in the store's zone. */
  authorized: boolean;
}

/** The store at an instant, judged with the store contract's functions and the kit's schedule (`hours`: openingState at `at`). */
export function storeState(store: Store, authorization: StoreAuthorization | null, at: Date, hours: OpeningState): StoreState {
  const pauseHolds =
    store.pause !== null &&
    pausedAt({ reason: store.pause.reason, since: store.pause.since.toISOString(), until: store.pause.until?.toISOString() ?? null }, at);
  const authorized = authorizationValidOn(authorization, zonedDate(at, store.timeZone).date);
  const status: StoreStatus =
    store.address === null
      ? 'SETUP_REQUIRED'
      : !store.active
        ? 'INACTIVE'
        : authorization === null
          ? 'NOT_AUTHORIZED'
          : !authorized
            ? 'AUTHORIZATION_EXPIRED'
            : pauseHolds
              ? 'PAUSED'
              : hours.open
                ? 'OPEN'
                : 'CLOSED';
  return { status, openNow: hours.open, opensAt: hours.nextOpensAt, closesAt: hours.closesAt, pauseHolds, authorized };
}

const dayMonthYear = (date: string) => date.split('-').reverse().join('/');

/** A sentence for the owner saying why the store takes no orders now; null when it is open. */
export function closedReason(store: Store, authorization: StoreAuthorization | null, state: StoreState): string | null {
  switch (state.status) {
    case 'OPEN':
      return null;
    case 'SETUP_REQUIRED':
      return 'A loja ainda não tem endereço: complete o cadastro (saveStore) para aparecer aos clientes.';
    case 'INACTIVE':
      return 'A loja está desativada pelo responsável e não aparece aos clientes.';
    case 'NOT_AUTHORIZED':
      return 'Nenhuma autorização da ANP registrada: envie a licença de revenda para análise (verificação).';
    case 'AUTHORIZATION_EXPIRED':
      return `A autorização da ANP ${authorization?.number ?? ''} venceu em ${dayMonthYear(authorization?.validUntil ?? '')}: envie a licença renovada para voltar a vender.`;
    case 'PAUSED':
      return store.pause?.until
        ? `Pausada${store.pause.reason ? ` (${store.pause.reason})` : ''} até ${store.pause.until.toISOString()}.`
        : `Pausada${store.pause?.reason ? ` (${store.pause.reason})` : ''} até ser retomada.`;
    case 'CLOSED':
      return state.opensAt === null
        ? 'Fora do horário de funcionamento, sem abertura nas próximas duas semanas.'
        : `Fora do horário de funcionamento; abre ${state.opensAt.toISOString()}.`;
  }
}
