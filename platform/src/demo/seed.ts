// The demo data set, created through the gateway's public API as real users would (so every
// event flows and every projection is right), idempotently: each step first looks for what it
// would create and creates only what is missing, so a second run changes nothing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TOTP_STEP_SECONDS, TOTP_WINDOW_STEPS, timeStep, totpCode } from '../../../subgraphs/accounts/src/mfa/totp.js';
import { DemoClient, DemoRequestError, eventually } from './demo-client.js';
import {
  DEMO_DOCUMENT,
  DEMO_PASSWORD,
  SANDBOX_CARD_TOKEN,
  demoAdmin,
  demoCouriers,
  demoCustomer,
  demoDeliveryAddress,
  demoOrderStates,
  demoOrderStore,
  DEMO_ADDRESS_LABEL,
  demoSuppliers,
  saoPauloCentre,
  type DemoOrderState,
  type DemoPerson,
} from './demo-data.js';

/** The ANP authorisation the demo admin reads off every demo supplier's licence. */
const DEMO_ANP_AUTHORIZATION = 'ANP-SP-2024-0042';
/** Valid through the end of next year, so the demo stores stay open whenever the demo is seeded. */
const demoLicenceValidUntil = () => `${new Date().getUTCFullYear() + 1}-12-31`;

export interface SeedOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  graphqlUrl: string;
  /**
   * Creates the first admin the way `npm run admin:create` does (only that path can). Called
   * only when the admin does not exist yet.
   */
  createAdmin(admin: DemoPerson, password: string): Promise<void>;
  /** Where the admin's TOTP secret is kept between runs (the seed signs in with it). */
  stateFile: string;
  /** Progress lines. */
  log(line: string): void;
}

export interface DemoSummary {
  password: string;
  admin: { email: string; totpSecret: string | undefined };
  suppliers: string[];
  stores: number;
  couriers: string[];
  customer: string;
  products: number;
  ordersByState: Record<DemoOrderState, number>;
  /** What this run created; empty when everything was there already. */
  created: string[];
}

interface Session {
  id: string;
  accessToken: string;
  refreshToken: string;
}

interface DemoState {
  adminTotpSecret?: string;
  /** The last TOTP time step used, so that a quick second run does not replay a code. */
  adminLastTotpStep?: number;
}

const sessionFields = 'accessToken refreshToken user { id }';
type SessionPayload = { accessToken: string; refreshToken: string; user: { id: string } };
const toSession = (payload: SessionPayload): Session => ({
  id: payload.user.id,
  accessToken: payload.accessToken,
  refreshToken: payload.refreshToken,
});

export async function seedDemoData(options: SeedOptions): Promise<DemoSummary> {
  const api = new DemoClient(options.graphqlUrl);
  const created: string[] = [];
  const state = readState(options.stateFile);
  const saveState = () => {
    mkdirSync(dirname(options.stateFile), { recursive: true });
    writeFileSync(options.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  };

  // ---- accounts ----------------------------------------------------------------------------

  /** A code the server has not seen: accounts refuses a time step it already accepted. */
  async function nextAdminCode(secret: string): Promise<string> {
    const now = timeStep(Date.now());
    let step = Math.max(now, (state.adminLastTotpStep ?? -1) + 1);
    if (step > now + TOTP_WINDOW_STEPS) {
      await new Promise((resolve) => setTimeout(resolve, (step - TOTP_WINDOW_STEPS) * TOTP_STEP_SECONDS * 1000 - Date.now() + 50));
      step = Math.max(timeStep(Date.now()), step);
    }
    state.adminLastTotpStep = step;
    saveState();
    return totpCode(secret, step * TOTP_STEP_SECONDS * 1000);
  }

  type LoginAnswer = (SessionPayload & { __typename: 'Session' }) | { __typename: 'MfaChallenge'; challengeToken: string };
  async function login(email: string): Promise<LoginAnswer | undefined> {
    try {
      const { login: answer } = await api.call<{ login: LoginAnswer }>(
        `mutation DemoLogin($input: LoginInput!) { login(input: $input) { __typename ... on Session { ${sessionFields} } ... on MfaChallenge { challengeToken } } }`,
        { input: { email, password: DEMO_PASSWORD } },
      );
      return answer;
    } catch (error) {
      if (error instanceof DemoRequestError && error.code === 'UNAUTHENTICATED') return undefined;
      throw error;
    }
  }

  let adminSession: Session | undefined;
  /** The admin, signed in with a second factor (reviews and invitations need it); created on first use. */
  async function admin(): Promise<Session> {
    if (adminSession !== undefined) return adminSession;
    let answer = await login(demoAdmin.email);
    if (answer === undefined) {
      await options.createAdmin(demoAdmin, DEMO_PASSWORD);
      created.push(`admin ${demoAdmin.email}`);
      answer = await login(demoAdmin.email);
      if (answer === undefined) throw new Error(`the admin ${demoAdmin.email} was created but cannot sign in with the demo password`);
    }
    if (answer.__typename === 'Session') {
      // No second factor yet: enrol one, as docs/mfa.md describes, and keep its secret.
      const begun = await api.call<{ beginMfaEnrolment: { secret: string } }>(
        'mutation DemoBeginMfa { beginMfaEnrolment { secret } }',
        {},
        answer.accessToken,
      );
      state.adminTotpSecret = begun.beginMfaEnrolment.secret;
      saveState();
      const confirmed = await api.call<{ confirmMfaEnrolment: { session: SessionPayload } }>(
        `mutation DemoConfirmMfa($code: String!) { confirmMfaEnrolment(code: $code) { session { ${sessionFields} } } }`,
        { code: await nextAdminCode(state.adminTotpSecret) },
        answer.accessToken,
      );
      created.push('the admin’s authenticator (TOTP) enrolment');
      adminSession = toSession(confirmed.confirmMfaEnrolment.session);
      return adminSession;
    }
    if (state.adminTotpSecret === undefined) {
      throw new Error(
        `the admin ${demoAdmin.email} has MFA on but its TOTP secret is not in ${options.stateFile}; ` +
          'restore that file, or start from an empty database to seed again',
      );
    }
    const verified = await api.call<{ verifyMfaLogin: SessionPayload }>(
      `mutation DemoVerifyMfa($token: String!, $code: String!) { verifyMfaLogin(challengeToken: $token, code: $code) { ${sessionFields} } }`,
      { token: answer.challengeToken, code: await nextAdminCode(state.adminTotpSecret) },
    );
    adminSession = toSession(verified.verifyMfaLogin);
    return adminSession;
  }

  async function signInOrRegister(person: DemoPerson, role: 'CUSTOMER' | 'SUPPLIER' | 'COURIER'): Promise<Session> {
    const existing = await login(person.email);
    if (existing?.__typename === 'Session') return toSession(existing);
    if (existing !== undefined) throw new Error(`${person.email} has MFA on; the demo cannot sign in as them`);
    let invitationCode: string | undefined;
    if (role !== 'CUSTOMER') {
      const { createInvitation } = await api.call<{ createInvitation: { code: string } }>(
        'mutation DemoInvite($input: CreateInvitationInput!) { createInvitation(input: $input) { code } }',
        { input: { role, email: person.email } },
        (await admin()).accessToken,
      );
      invitationCode = createInvitation.code;
    }
    const { register } = await api.call<{ register: SessionPayload }>(
      `mutation DemoRegister($input: RegisterInput!) { register(input: $input) { ${sessionFields} } }`,
      {
        input: {
          email: person.email,
          phone: person.phone,
          name: person.name,
          password: DEMO_PASSWORD,
          role,
          ...(invitationCode ? { invitationCode } : {}),
        },
      },
    );
    created.push(`${role.toLowerCase()} ${person.email}`);
    return toSession(register);
  }

  /** Uploads and approves whatever the role still needs, then refreshes until the token says verified. */
  async function verified(person: DemoPerson, session: Session): Promise<Session> {
    type Status = { state: string; requiredDocuments: Array<{ type: string; status: string; current: { id: string } | null }> };
    const readStatus = async () =>
      (
        await api.call<{ verificationStatus: Status }>(
          'query DemoVerification { verificationStatus { state requiredDocuments { type status current { id } } } }',
          {},
          session.accessToken,
        )
      ).verificationStatus;
    // Verification opens the request when it hears the account was created.
    let status = await eventually(async () => {
      const current = await readStatus();
      return current.requiredDocuments.length > 0 || current.state === 'APPROVED' ? current : undefined;
    }, `the verification request of ${person.email}`);
    for (const document of status.requiredDocuments) {
      if (document.status === 'APPROVED') continue;
      let documentId = document.current?.id;
      if (document.status === 'MISSING' || document.status === 'REJECTED' || documentId === undefined) {
        const { requestDocumentUpload: upload } = await api.call<{
          requestDocumentUpload: { documentId: string; uploadUrl: string; method: string };
        }>(
          'mutation DemoUpload($input: RequestDocumentUploadInput!) { requestDocumentUpload(input: $input) { documentId uploadUrl method } }',
          { input: { documentType: document.type, contentType: 'application/pdf' } },
          session.accessToken,
        );
        const response = await fetch(upload.uploadUrl, {
          method: upload.method,
          body: new Uint8Array(DEMO_DOCUMENT),
          headers: { 'content-type': 'application/pdf' },
        });
        if (response.status !== 201)
          throw new Error(`uploading ${document.type} for ${person.email} answered ${response.status}: ${await response.text()}`);
        documentId = upload.documentId;
      }
      // An ANP licence is approved with the authorisation printed on it, which its stores then carry.
      const licence =
        document.type === 'GAS_DISTRIBUTION_LICENCE'
          ? { authorizationNumber: DEMO_ANP_AUTHORIZATION, validUntil: demoLicenceValidUntil() }
          : null;
      await api.call(
        'mutation DemoReview($id: ID!, $licence: LicenceDetailsInput) { reviewDocument(documentId: $id, decision: APPROVE, licence: $licence) { status } }',
        { id: documentId, licence },
        (await admin()).accessToken,
      );
      created.push(`approved ${document.type} of ${person.email}`);
    }
    status = await readStatus();
    // The token says verified once accounts has heard of the approval; refreshing issues a new one.
    let current = session;
    return eventually(async () => {
      const { refreshSession } = await api.call<{ refreshSession: SessionPayload & { user: { verified: boolean } } }>(
        'mutation DemoRefresh($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken user { id verified } } }',
        { token: current.refreshToken },
      );
      current = toSession(refreshSession);
      return refreshSession.user.verified ? current : undefined;
    }, `${person.email} to be verified (verification is ${status.state})`);
  }

  // ---- suppliers, their stores and catalog -----------------------------------------------

  const productIds: string[] = [];
  const supplierSessions: Session[] = [];
  /** Store ids by supplier index, in demoSuppliers' order. */
  const storeIds: string[][] = [];
  /** Product ids by supplier and store index. */
  const storeProductIds: string[][][] = [];
  for (const supplier of demoSuppliers) {
    const session = await verified(supplier, await signInOrRegister(supplier, 'SUPPLIER'));
    supplierSessions.push(session);
    const { myStores } = await api.call<{ myStores: Array<{ id: string; name: string }> }>(
      'query DemoStores { myStores { id name } }',
      {},
      session.accessToken,
    );
    const ids: string[] = [];
    const productsByStore: string[][] = [];
    for (const store of supplier.stores) {
      const { products, ...input } = store;
      let storeId = myStores.find((existing) => existing.name === store.name)?.id;
      if (storeId === undefined) {
        const { saveStore } = await api.call<{ saveStore: { id: string } }>(
          'mutation DemoSaveStore($input: SaveStoreInput!) { saveStore(input: $input) { id } }',
          { input },
          session.accessToken,
        );
        storeId = saveStore.id;
        created.push(`store “${store.name}”`);
      }
      ids.push(storeId);
      const { store: listed } = await api.call<{ store: { products: { nodes: Array<{ id: string; name: string }> } } }>(
        'query DemoStoreProducts($id: ID!) { store(id: $id) { products(first: 100) { nodes { id name } } } }',
        { id: storeId },
        session.accessToken,
      );
      const storeProducts: string[] = [];
      for (const product of products) {
        const existing = listed.products.nodes.find((node) => node.name === product.name);
        if (existing !== undefined) {
          storeProducts.push(existing.id);
          continue;
        }
        const { createProduct } = await api.call<{ createProduct: { id: string } }>(
          'mutation DemoCreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }',
          { input: { ...product, storeId } },
          session.accessToken,
        );
        storeProducts.push(createProduct.id);
        created.push(`product “${product.name}” of ${store.name}`);
      }
      productIds.push(...storeProducts);
      productsByStore.push(storeProducts);
    }
    storeIds.push(ids);
    storeProductIds.push(productsByStore);
  }

  // ---- couriers ------------------------------------------------------------------------------

  const courierSessions: Session[] = [];
  for (const courier of demoCouriers) {
    const session = await verified(courier, await signInOrRegister(courier, 'COURIER'));
    courierSessions.push(session);
    const { myCourierProfile } = await api.call<{ myCourierProfile: { availability: string } | null }>(
      'query DemoCourier { myCourierProfile { availability } }',
      {},
      session.accessToken,
    );
    if (myCourierProfile === null) {
      await api.call(
        'mutation DemoCourierProfile($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }',
        {
          input: {
            vehicleType: courier.vehicleType,
            vehiclePlate: courier.vehiclePlate,
            capacity: courier.capacity,
            serviceArea: saoPauloCentre,
          },
        },
        session.accessToken,
      );
      created.push(`courier profile of ${courier.email}`);
    }
    if (myCourierProfile?.availability !== 'ONLINE') {
      await api.call('mutation DemoOnline { setCourierAvailability(availability: ONLINE) { availability } }', {}, session.accessToken);
    }
    if (courier.fleetOf !== undefined) {
      // The store's own courier: its orders are offered to them before the platform's couriers.
      const owner = supplierSessions[courier.fleetOf]!;
      const { myFleet } = await api.call<{ myFleet: Array<{ id: string }> }>('query DemoFleet { myFleet { id } }', {}, owner.accessToken);
      if (!myFleet.some((member) => member.id === session.id)) {
        await api.call('mutation DemoAddFleet($id: ID!) { addFleetCourier(courierId: $id) { id } }', { id: session.id }, owner.accessToken);
        created.push(`${courier.email} in the fleet of ${demoSuppliers[courier.fleetOf]!.name}`);
      }
    }
  }

  // ---- the customer and one order in each state ----------------------------------------------

  const customer = await signInOrRegister(demoCustomer, 'CUSTOMER');
  const { myAddresses } = await api.call<{ myAddresses: Array<{ id: string; label: string }> }>(
    'query DemoAddresses { myAddresses { id label } }',
    {},
    customer.accessToken,
  );
  let addressId = myAddresses.find((address) => address.label === DEMO_ADDRESS_LABEL)?.id;
  if (addressId === undefined) {
    const { saveAddress } = await api.call<{ saveAddress: { id: string } }>(
      'mutation DemoSaveAddress($input: SaveAddressInput!) { saveAddress(input: $input) { id } }',
      { input: { label: DEMO_ADDRESS_LABEL, ...demoDeliveryAddress } },
      customer.accessToken,
    );
    addressId = saveAddress.id;
    created.push(`the saved address “${DEMO_ADDRESS_LABEL}” of ${demoCustomer.email}`);
  }
  const countIn = async (status: DemoOrderState) =>
    (
      await api.call<{ orders: { totalCount: number } }>(
        'query DemoOrders($status: OrderStatus) { orders(first: 1, status: $status) { totalCount } }',
        { status },
        customer.accessToken,
      )
    ).orders.totalCount;

  const orderStoreId = storeIds[demoOrderStore.supplier]![demoOrderStore.store]!;
  const orderProductId = storeProductIds[demoOrderStore.supplier]![demoOrderStore.store]![demoOrderStore.product]!;
  const storeOwner = supplierSessions[demoOrderStore.supplier]!;
  async function place(paymentMethod: 'CARD' | 'PIX'): Promise<string> {
    // Orders hears of a new store, product and address by event; until then placing is refused.
    return eventually(async () => {
      const { placeOrder } = await api.call<{ placeOrder: { id: string } }>(
        'mutation DemoPlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        { input: { storeId: orderStoreId, items: [{ productId: orderProductId, quantity: 1 }], addressId, paymentMethod } },
        customer.accessToken,
      );
      return placeOrder.id;
    }, 'the demo store, products and address to reach orders');
  }
  const statusOf = async (orderId: string) =>
    (
      await api.call<{ order: { status: string } }>(
        'query DemoOrder($id: ID!) { order(id: $id) { status } }',
        { id: orderId },
        customer.accessToken,
      )
    ).order.status;
  const reach = (orderId: string, status: string) =>
    eventually(async () => ((await statusOf(orderId)) === status ? true : undefined), `order ${orderId} to become ${status}`);

  /** Placed and paid: it waits for the store to answer. */
  async function placePaid(): Promise<string> {
    const orderId = await place('CARD');
    const idempotencyKey = randomUUID();
    // The payment opens moments after the order (by event): NOT_FOUND until then.
    await eventually(async () => {
      const { payOrder } = await api.call<{ payOrder: { status: string } }>(
        'mutation DemoPay($input: PayOrderInput!) { payOrder(input: $input) { status } }',
        { input: { orderId, idempotencyKey, card: { token: SANDBOX_CARD_TOKEN } } },
        customer.accessToken,
      );
      return payOrder.status;
    }, `the payment of order ${orderId} to open`);
    await reach(orderId, 'AWAITING_ACCEPTANCE');
    return orderId;
  }

  /** Placed, paid and accepted by the store: couriers are offered it. */
  async function placeAccepted(): Promise<string> {
    const orderId = await placePaid();
    await api.call('mutation DemoAcceptOrder($id: ID!) { acceptOrder(id: $id) { status } }', { id: orderId }, storeOwner.accessToken);
    await reach(orderId, 'CONFIRMED');
    return orderId;
  }

  /** A courier accepts the order's offer and picks the gas up; returns who did. */
  async function pickUp(orderId: string): Promise<Session> {
    const courier = await eventually(async () => {
      for (const session of courierSessions) {
        const { myDeliveryOffers } = await api.call<{ myDeliveryOffers: Array<{ id: string; order: { id: string } }> }>(
          'query DemoOffers { myDeliveryOffers { id order { id } } }',
          {},
          session.accessToken,
        );
        const offer = myDeliveryOffers.find((candidate) => candidate.order.id === orderId);
        if (offer !== undefined) {
          await api.call(
            'mutation DemoAccept($offerId: ID!) { acceptDeliveryOffer(offerId: $offerId) { status } }',
            { offerId: offer.id },
            session.accessToken,
          );
          return session;
        }
      }
      return undefined;
    }, `a courier to be offered order ${orderId}`);
    await api.call('mutation DemoPickUp($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }', { orderId }, courier.accessToken);
    await reach(orderId, 'IN_TRANSIT');
    return courier;
  }

  const makers: Record<DemoOrderState, () => Promise<void>> = {
    DELIVERED: async () => {
      const orderId = await placeAccepted();
      const courier = await pickUp(orderId);
      // The handover: the courier enters the code the customer sees in the app.
      const { order } = await api.call<{ order: { deliveryCode: string } }>(
        'query DemoCode($id: ID!) { order(id: $id) { deliveryCode } }',
        { id: orderId },
        customer.accessToken,
      );
      // Troca: the customer hands the empty P13 back to the courier.
      await api.call(
        'mutation DemoHandover($orderId: ID!, $code: String!, $empties: [EmptiesCollectedInput!]) { confirmDelivery(orderId: $orderId, code: $code, emptiesCollected: $empties) { status } }',
        { orderId, code: order.deliveryCode, empties: [{ cylinderType: 'P13', quantity: 1 }] },
        courier.accessToken,
      );
      await reach(orderId, 'DELIVERED');
    },
    IN_TRANSIT: async () => {
      await pickUp(await placeAccepted());
    },
    CONFIRMED: async () => {
      await placeAccepted();
    },
    AWAITING_ACCEPTANCE: async () => {
      await placePaid();
    },
    PENDING_PAYMENT: async () => {
      // Pix, not paid: it waits for the customer.
      const orderId = await place('PIX');
      await reach(orderId, 'PENDING_PAYMENT');
    },
    CANCELLED: async () => {
      const orderId = await place('CARD');
      await api.call(
        'mutation DemoCancel($id: ID!) { cancelOrder(id: $id, reason: "Mudei de ideia") { status } }',
        { id: orderId },
        customer.accessToken,
      );
      await reach(orderId, 'CANCELLED');
    },
  };

  const ordersByState = {} as Record<DemoOrderState, number>;
  for (const status of demoOrderStates) {
    if ((await countIn(status)) === 0) {
      options.log(`creating an order that ends ${status}`);
      await makers[status]();
      created.push(`an order in ${status}`);
    }
  }
  for (const status of demoOrderStates) ordersByState[status] = await countIn(status);

  return {
    password: DEMO_PASSWORD,
    admin: { email: demoAdmin.email, totpSecret: state.adminTotpSecret },
    suppliers: demoSuppliers.map((supplier) => supplier.email),
    stores: storeIds.flat().length,
    couriers: demoCouriers.map((courier) => courier.email),
    customer: demoCustomer.email,
    products: productIds.length,
    ordersByState,
    created,
  };
}

function readState(file: string): DemoState {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoState;
  } catch {
    return {};
  }
}

/** The summary as the operator reads it: every login and the admin's TOTP secret. */
export function describeDemo(summary: DemoSummary, publicUrl: string): string {
  return [
    '',
    '  GasRápido demo data (development only)',
    `  Open ${publicUrl}/ (Apollo Sandbox). Every account's password: ${summary.password}`,
    `  admin     ${summary.admin.email}   TOTP secret: ${summary.admin.totpSecret ?? '(unknown: see the state file)'}`,
    '            sign in with login, then verifyMfaLogin with a code from an authenticator app holding that secret',
    ...summary.suppliers.map((email) => `  supplier  ${email}`),
    ...summary.couriers.map((email) => `  courier   ${email}`),
    `  customer  ${summary.customer}`,
    `  stores    ${summary.stores} (myStores as a supplier; storesNear for anyone)`,
    `  products  ${summary.products}; orders by state: ${Object.entries(summary.ordersByState)
      .map(([status, count]) => `${status} ${count}`)
      .join(', ')}`,
    summary.created.length === 0 ? '  Nothing was missing: nothing created.' : `  Created now: ${summary.created.length} items.`,
    '',
  ].join('\n');
}
