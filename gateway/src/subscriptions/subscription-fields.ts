import { hasRole, type EventEnvelope, type Logger, type Role, type Viewer } from '#kit';
import type { LiveDeclaration } from '../declarations/supergraph-declarations.js';

/**
 * How the gateway serves one root field of the supergraph's `Subscription`
 * type, compiled from the `@live` directive its subgraph declares on it
 * (docs/subscriptions.md). @apollo/gateway cannot execute subscription
 * fields, so the gateway turns
 * events from the bus into payloads itself: it picks the events, decides who
 * receives each, and loads the payload through an ordinary root Query field,
 * as the subscriber, so every subgraph's visibility rules still apply.
 */
export interface SubscriptionField {
  /** The bus topic the events arrive on. */
  readonly topic: string;
  /** Envelope types (`product.updated`) that may concern this field. */
  readonly eventTypes: readonly string[];
  /** Refuse the subscription to connections without a signed-in viewer. */
  readonly requiresViewer: boolean;
  /**
   * Whether this subscriber is told about this event at all. Runs for every
   * subscriber and event, before any subgraph is asked: keep it cheap.
   * `args` are the field's coerced arguments.
   */
  filter(envelope: EventEnvelope, args: Readonly<Record<string, unknown>>, viewer: Viewer | null): boolean;
  /** Root Query field that loads the payload by id, e.g. `product` for `product(id: ID!)`. */
  readonly entityField: string;
  /** The argument of `entityField` that takes the id. */
  readonly entityArgument: string;
  /** The id to load for an event that passed the filter; undefined when its data holds none (the event is dropped). */
  entityId(envelope: EventEnvelope): string | undefined;
  /**
   * Whether this subscriber sees the entity exactly as an anonymous caller
   * does. Such subscribers share one anonymous load per event instead of one
   * load each (docs/subscriptions.md); the others, and everyone when the
   * anonymous load errs or finds nothing, are loaded as themselves.
   * Absent: every subscriber is loaded as themselves.
   */
  seesPublicView?(viewer: Viewer | null): boolean;
  /** Checked once, when a client subscribes (subscription-admission.ts). Absent: everyone signed in is admitted. */
  readonly admission?: SubscriptionAdmission;
}

/**
 * What a subscriber must be for the subscription to ever deliver anything.
 * Refusing at subscribe time tells a client why; admitting and then filtering
 * every event away would leave it waiting in silence.
 */
export interface SubscriptionAdmission {
  /** The viewer must hold one of these roles. */
  readonly roles?: readonly Role[];
  /**
   * A subscription about one entity named by an argument: when the argument is
   * given, the viewer must be able to read the entity through this root Query
   * field, asked as them, or the subscription is refused as the field refuses
   * them (NOT_FOUND for another customer's order).
   */
  readonly entity?: {
    /** The subscription's argument naming the entity, e.g. `orderId`. */
    readonly argument: string;
    /** The root Query field and its argument that read it, e.g. `order(id:)`. */
    readonly queryField: string;
    readonly queryArgument: string;
  };
}

export type SubscriptionFieldRegistry = Readonly<Record<string, SubscriptionField>>;

/** Reads the value at a dotted payload path; compiled once per path. */
type PathReader = (data: unknown) => unknown;

function pathReader(path: string): PathReader {
  const [first = '', ...rest] = path.split('.');
  const step = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? Reflect.get(value, key) : undefined;
  if (rest.length === 0) return (data) => step(data, first);
  return (data) => rest.reduce(step, step(data, first));
}

/**
 * Compiles a field's declaration into closures, once at start: the filter runs
 * for every subscriber and event, so it only compares values already read
 * from the event's data, cheapest tests first.
 */
export function compileSubscriptionField(declaration: LiveDeclaration, logger: Logger): SubscriptionField {
  const eventTypes = new Set(declaration.events);
  const conditions = declaration.conditions.map(({ path, value }) => ({ read: pathReader(path), value }));
  const matches = declaration.argumentMatches.map(({ argument, path, optional }) => ({ argument, read: pathReader(path), optional }));
  const recipients = declaration.recipients.map(pathReader);
  const recipientRoles: readonly Role[] = declaration.recipientRoles;
  const everyone = recipients.length === 0 && recipientRoles.length === 0;
  const readId = pathReader(declaration.entity.idPath);
  let missingIdLogged = false;

  const filter: SubscriptionField['filter'] = (envelope, args, viewer) => {
    // Other event types share the topic.
    if (!eventTypes.has(envelope.type)) return false;
    const { data } = envelope;
    for (const condition of conditions) if (condition.read(data) !== condition.value) return false;
    for (const match of matches) {
      const wanted = args[match.argument];
      if (match.optional && (wanted === undefined || wanted === null)) continue;
      if (match.read(data) !== wanted) return false;
    }
    if (everyone) return true;
    if (viewer === null) return false;
    for (const recipient of recipients) if (recipient(data) === viewer.userId) return true;
    for (const role of recipientRoles) if (hasRole(viewer, role)) return true;
    return false;
  };

  const publicViewUnless = declaration.publicViewUnlessRoles;
  return {
    topic: declaration.topic,
    eventTypes: declaration.events,
    requiresViewer: declaration.requiresViewer,
    filter,
    entityField: declaration.entity.queryField,
    entityArgument: declaration.entity.queryArgument,
    entityId: (envelope) => {
      const id = readId(envelope.data);
      if (typeof id === 'string' && id !== '') return id;
      // The producer validated the data; a missing id means its declaration and its events disagree.
      if (!missingIdLogged) {
        missingIdLogged = true;
        logger.error(
          { field: declaration.fieldName, eventType: envelope.type, eventId: envelope.id, path: declaration.entity.idPath },
          'event data holds no string id at the declared path; such events are dropped for this field (logged once)',
        );
      }
      return undefined;
    },
    ...(publicViewUnless === undefined
      ? {}
      : { seesPublicView: (viewer: Viewer | null) => !publicViewUnless.some((role) => hasRole(viewer, role)) }),
    ...(declaration.admitRoles === undefined && declaration.admitIfReadable === undefined
      ? {}
      : {
          admission: {
            ...(declaration.admitRoles === undefined ? {} : { roles: declaration.admitRoles }),
            ...(declaration.admitIfReadable === undefined ? {} : { entity: declaration.admitIfReadable }),
          },
        }),
  };
}

/** Every subscription the gateway serves: one per `@live` field of the supergraph. */
export function subscriptionRegistry(declarations: ReadonlyMap<string, LiveDeclaration>, logger: Logger): SubscriptionFieldRegistry {
  return Object.fromEntries(
    [...declarations].map(([fieldName, declaration]) => [fieldName, compileSubscriptionField(declaration, logger)]),
  );
}

/** The topics the registry reads, each once. */
export function topicsOf(registry: SubscriptionFieldRegistry): string[] {
  return [...new Set(Object.values(registry).map((entry) => entry.topic))];
}
