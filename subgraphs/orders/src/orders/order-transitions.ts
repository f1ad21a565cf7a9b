import { appError, ErrorCode, forbidden } from '#kit';
import type { OrderActorRole, OrderStatus } from '../database.js';

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  by: readonly OrderActorRole[];
  /**
   * Who SYSTEM stands for on this row, when it is a person acting through another service and
   * people should be told so (the courier's code at the door); otherwise messages leave SYSTEM out.
   */
  systemIs?: string;
}

/**
 * Every move an order can make, and who may make it. CUSTOMER and SUPPLIER mean the order's own
 * customer and supplier, not anyone holding the role; SYSTEM is the saga (stock and payment
 * events, the payment deadline). Nothing else changes an order's status: the service checks
 * this table before a change and the store applies it conditionally on `from`, so two
 * concurrent moves cannot both win. The assigned courier's pickup and delivery reach orders as
 * couriers' events (courier.picked_up, delivery.completed), so they are SYSTEM moves here, with
 * the courier recorded as the actor.
 *
 * DELIVERED is the handover, and the customer's delivery code is its proof: only the courier's
 * code (delivery.completed) reaches it, or an admin resolving a delivery whose code could not be
 * given (support, recorded as ADMIN). A supplier's word is not proof: its own drivers deliver as
 * couriers, with the code, like everybody else.
 */
export const transitions: readonly Transition[] = [
  { from: 'PENDING_PAYMENT', to: 'AWAITING_ACCEPTANCE', by: ['SYSTEM'] },
  // The saga confirms directly when the store auto-accepts, and orders placed before stores.
  { from: 'PENDING_PAYMENT', to: 'CONFIRMED', by: ['SYSTEM'] },
  { from: 'AWAITING_ACCEPTANCE', to: 'CONFIRMED', by: ['SUPPLIER', 'ADMIN'] },
  { from: 'CONFIRMED', to: 'IN_TRANSIT', by: ['SUPPLIER', 'ADMIN', 'SYSTEM'] },
  { from: 'IN_TRANSIT', to: 'DELIVERED', by: ['ADMIN', 'SYSTEM'], systemIs: 'its courier with the customer’s delivery code' },
  { from: 'PENDING_PAYMENT', to: 'CANCELLED', by: ['CUSTOMER', 'SUPPLIER', 'ADMIN', 'SYSTEM'] },
  // The store rejects (SUPPLIER, rejectOrder), the customer changes their mind, or nobody answers in time (SYSTEM).
  { from: 'AWAITING_ACCEPTANCE', to: 'CANCELLED', by: ['CUSTOMER', 'SUPPLIER', 'ADMIN', 'SYSTEM'] },
  { from: 'CONFIRMED', to: 'CANCELLED', by: ['CUSTOMER', 'SUPPLIER', 'ADMIN'] },
];

type RefusalCode = typeof ErrorCode.CONFLICT | typeof ErrorCode.FORBIDDEN;

export type TransitionCheck = { allowed: true; actor: OrderActorRole } | { allowed: false; code: RefusalCode; message: string };

export const movesFrom = (status: OrderStatus): Transition[] => transitions.filter((move) => move.from === status);

/**
 * Whether someone standing in `actors` (in order of preference: the first that the move allows
 * is the one recorded) may move an order from `from` to `to`. Someone who may never make such
 * a move is FORBIDDEN whatever the status; a move the status does not allow is a CONFLICT that
 * says what is possible from here; a move the status allows, but not to this actor, is FORBIDDEN.
 */
export function checkTransition(from: OrderStatus, to: OrderStatus, actors: readonly OrderActorRole[]): TransitionCheck {
  const towards = transitions.filter((move) => move.to === to);
  if (!towards.some((move) => move.by.some((actor) => actors.includes(actor)))) {
    return refusal(ErrorCode.FORBIDDEN, `Only ${describeActors(unionOf(towards), systemOf(towards))} may move an order to ${to}.`);
  }
  const move = transitions.find((candidate) => candidate.from === from && candidate.to === to);
  if (move === undefined) return refusal(ErrorCode.CONFLICT, illegalMoveMessage(from, to));
  const actor = actors.find((candidate) => move.by.includes(candidate));
  if (actor === undefined)
    return refusal(ErrorCode.FORBIDDEN, `Only ${describeActors(move.by, move.systemIs)} may move this order from ${from} to ${to}.`);
  return { allowed: true, actor };
}

/** The client's error for a refused move, with the statuses in `extensions` for a CONFLICT. */
export function transitionError(check: Extract<TransitionCheck, { allowed: false }>, from: OrderStatus, to: OrderStatus) {
  return check.code === ErrorCode.CONFLICT
    ? appError(ErrorCode.CONFLICT, check.message, { currentStatus: from, requestedStatus: to })
    : forbidden(check.message);
}

function illegalMoveMessage(from: OrderStatus, to: OrderStatus): string {
  if (from === to) return `This order is already ${from}.`;
  const moves = movesFrom(from);
  if (moves.length === 0) return `This order is ${from}, a final status: it cannot move to ${to}, nor anywhere else.`;
  const options = moves.map((move) => `${move.to} (by ${describeActors(move.by, move.systemIs)})`).join(' or ');
  return `This order is ${from} and cannot move to ${to}; from ${from} it can move to ${options}.`;
}

const actorNames: Readonly<Record<OrderActorRole, string>> = {
  CUSTOMER: 'its customer',
  SUPPLIER: 'its supplier',
  ADMIN: 'an admin',
  SYSTEM: 'the payment and stock process',
};

/**
 * Names who may make a move, for a person's error message. SYSTEM is left out beside people: on
 * the delivery rows it stands for the courier's pickup and code, which reach orders through
 * couriers' events, and nobody can ask orders to act as it.
 */
function describeActors(actors: readonly OrderActorRole[], systemIs?: string): string {
  const people = actors.filter((actor) => actor !== 'SYSTEM');
  const names = (people.length > 0 ? people : actors).map((actor) => actorNames[actor]);
  if (systemIs !== undefined && actors.includes('SYSTEM') && people.length > 0) names.push(systemIs);
  return names.length <= 1 ? (names[0] ?? 'nobody') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

const systemOf = (moves: readonly Transition[]): string | undefined => moves.find((move) => move.systemIs !== undefined)?.systemIs;

const unionOf = (moves: readonly Transition[]): OrderActorRole[] => [...new Set(moves.flatMap((move) => move.by))];

const refusal = (code: RefusalCode, message: string): TransitionCheck => ({ allowed: false, code, message });
