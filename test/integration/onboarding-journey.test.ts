import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/event-probe.js';
import { approveDocument, invite, refreshUntilVerified, uploadDocument, verificationStatus } from '../support/onboarding.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type MfaUser, type SignedInUser } from '../support/users.js';

/**
 * Issue 5's journey, end to end through the gateway on the real PostgreSQL and
 * Kafka: an admin invites a courier, the courier registers with the code and
 * uploads the documents, is refused going online, an admin with MFA approves,
 * and the courier becomes verified and may go online.
 */
let test: TestPlatform;
let admin: MfaUser;

beforeAll(async () => {
  test = await startTestPlatform();
  admin = await createAdmin(test);
});

afterAll(async () => {
  await test?.stop();
});

const courierProfile = {
  vehicleType: 'MOTORCYCLE',
  vehiclePlate: 'ABC1D23',
  capacityCylinders: 2,
  serviceArea: { latitude: -23.5505, longitude: -46.6333, radiusKm: 8 },
};

async function goOnline(courier: SignedInUser) {
  return test.query<{ setCourierAvailability: { availability: string } }>(
    'mutation { setCourierAvailability(availability: ONLINE) { availability } }',
    { token: courier.accessToken },
  );
}

describe('onboarding a courier', () => {
  it('goes from invitation to a verified courier who may go online', async () => {
    // 1. An admin invites a courier.
    const code = await invite(test, admin, 'COURIER', 'joao.entregador@example.com');
    const check = await test.query<{ invitationByCode: { valid: boolean; role: string | null } }>(
      'query ($code: String!) { invitationByCode(code: $code) { valid role } }',
      { variables: { code } },
    );
    expect(check.data?.invitationByCode).toEqual({ valid: true, role: 'COURIER' });

    // 2. The courier registers with the code…
    let courier = await registerUser(test, 'COURIER', 'João Entregador', { invitationCode: code });
    // …and the accepted invitation opens a verification request (invitation.accepted → verification).
    const opened = await eventually(
      async () => {
        const status = await verificationStatus(test, courier);
        return status.state === 'PENDING_DOCUMENTS' ? status : undefined;
      },
      20_000,
      'the verification request opened by the accepted invitation',
    );
    const required = opened.requiredDocuments.map((document) => document.type);
    expect(required).toEqual(expect.arrayContaining(['IDENTITY_DOCUMENT', 'DRIVING_LICENCE', 'VEHICLE_REGISTRATION']));
    expect(opened.requiredDocuments.every((document) => document.status === 'MISSING')).toBe(true);

    // …uploads every document through signed URLs on the gateway…
    const documentIds: string[] = [];
    for (const documentType of required) documentIds.push(await uploadDocument(test, courier, documentType));
    expect((await verificationStatus(test, courier)).state).toBe('IN_REVIEW');

    // …and, with a profile saved but the documents not yet approved, is refused going online.
    const saved = await test.query('mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }', {
      token: courier.accessToken,
      variables: { input: courierProfile },
    });
    expect(saved.errors).toBeUndefined();
    const refused = await goOnline(courier);
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('VERIFICATION_REQUIRED');

    // 3. An admin whose second factor is recent approves each document from the review queue.
    const queue = await test.query<{ documentReviewQueue: { nodes: Array<{ id: string; owner: { id: string } }> } }>(
      '{ documentReviewQueue(first: 50) { nodes { id owner { id } } } }',
      { token: admin.accessToken },
    );
    const queued = queue
      .data!.documentReviewQueue.nodes.filter((document) => document.owner.id === courier.id)
      .map((document) => document.id);
    expect(queued.sort()).toEqual([...documentIds].sort());
    for (const documentId of documentIds) await approveDocument(test, admin, documentId);
    expect((await verificationStatus(test, courier)).state).toBe('APPROVED');

    // 4. User.verified becomes true through federation, and the refreshed session carries it.
    const verifiedUser = await eventually(
      async () => {
        const result = await test.query<{ user: { verified: boolean; roles: string[] } }>(
          'query ($id: ID!) { user(id: $id) { verified roles } }',
          { token: admin.accessToken, variables: { id: courier.id } },
        );
        return result.data?.user.verified ? result.data.user : undefined;
      },
      20_000,
      'User.verified',
    );
    expect(verifiedUser.roles).toEqual(['COURIER']);
    courier = await refreshUntilVerified(test, courier);
    const online = await goOnline(courier);
    expect(online.errors).toBeUndefined();
    expect(online.data?.setCourierAvailability.availability).toBe('ONLINE');

    // The invitation was used up by this registration.
    const after = await test.query<{ invitationByCode: { valid: boolean } }>(
      'query ($code: String!) { invitationByCode(code: $code) { valid } }',
      {
        variables: { code },
      },
    );
    expect(after.data?.invitationByCode.valid).toBe(false);
  });

  it('refuses to register a courier without a code, or with a code for another role', async () => {
    const withoutCode = await test.query('mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', {
      variables: {
        input: {
          email: 'sem.convite@example.com',
          phone: '+5511912345678',
          name: 'Sem Convite',
          password: 'Corr3ct-Horse-Battery',
          role: 'COURIER',
        },
      },
    });
    expect(withoutCode.status).toBe(400);
    expect(withoutCode.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(withoutCode.errors?.[0]?.extensions?.['fields'])).toContain('input.invitationCode');

    const supplierCode = await invite(test, admin, 'SUPPLIER');
    const wrongRole = await test.query('mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', {
      variables: {
        input: {
          email: 'papel.errado@example.com',
          phone: '+5511912345679',
          name: 'Papel Errado',
          password: 'Corr3ct-Horse-Battery',
          role: 'COURIER',
          invitationCode: supplierCode,
        },
      },
    });
    expect(wrongRole.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    // The refused attempt did not use the supplier's invitation up.
    const still = await test.query<{ invitationByCode: { valid: boolean; role: string } }>(
      'query ($code: String!) { invitationByCode(code: $code) { valid role } }',
      { variables: { code: supplierCode } },
    );
    expect(still.data?.invitationByCode).toEqual({ valid: true, role: 'SUPPLIER' });
  });
});
