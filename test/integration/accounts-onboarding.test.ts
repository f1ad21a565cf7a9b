import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventData, type EventDefinition } from '#kit';
import type { AccountsDatabase } from '../../subgraphs/accounts/src/database.js';
import { eventually, probeEvents, type EventProbe, publishEvent } from '../support/event-probe.js';
import { firstCode } from '../support/graphql-client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, STRONG_PASSWORD, uniqueContact, type MfaUser, type SignedInUser } from '../support/users.js';
import { UserEvents } from '../../subgraphs/accounts/src/events/index.js';
import { VerificationEvents } from '../../subgraphs/verification/src/events/index.js';

let test: TestPlatform;
let admin: MfaUser;
let userEvents: EventProbe;
beforeAll(async () => {
  test = await startTestPlatform();
  admin = await createAdmin(test);
  userEvents = await probeEvents(test.platform.eventBus, [UserEvents.updated.topic]);
});
afterAll(async () => {
  await userEvents?.stop();
  await test?.stop();
});

const register = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id roles verified } } }`;
const accountsDatabase = () => test.platform.subgraphs.get('accounts')!.database.client as unknown as AccountsDatabase;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, any>;

async function invite(by: SignedInUser, role: 'CUSTOMER' | 'SUPPLIER' | 'COURIER', maxUses = 1): Promise<{ id: string; code: string }> {
  const result = await test.query(
    `mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { code invitation { id } } }`,
    { token: by.accessToken, variables: { input: { role, email: uniqueContact().email, maxUses } } },
  );
  if (!result.data?.['createInvitation']) throw new Error(`createInvitation failed: ${JSON.stringify(result.errors)}`);
  return { id: result.data['createInvitation'].invitation.id, code: result.data['createInvitation'].code };
}

async function usesOf(invitationId: string): Promise<number> {
  const result = await test.query(`query ($id: ID!) { invitation(id: $id) { uses } }`, {
    token: admin.accessToken,
    variables: { id: invitationId },
  });
  return result.data!['invitation'].uses as number;
}

const registration = (role: string, extra: Record<string, unknown> = {}) => ({
  input: { ...uniqueContact(), name: 'Carla Entregadora', password: STRONG_PASSWORD, role, ...extra },
});

describe('registration by invitation', () => {
  it.each(['SUPPLIER', 'COURIER'])('needs an invitation code to register as a %s', async (role) => {
    const result = await test.query(register, { variables: registration(role) });
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!['fields']).toEqual([
      { field: 'input.invitationCode', message: expect.stringMatching(/required/) },
    ]);
  });

  it('checks every other field before claiming, so a weak password spends no use of the code', async () => {
    const invitation = await invite(admin, 'COURIER');
    const result = await test.query(register, {
      variables: registration('COURIER', { password: 'short', invitationCode: invitation.code }),
    });
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!['fields']).toEqual([{ field: 'input.password', message: expect.any(String) }]);
    expect(await usesOf(invitation.id)).toBe(0);

    const missingBoth = await test.query(register, { variables: registration('SUPPLIER', { password: 'short' }) });
    expect((missingBoth.errors![0]!.extensions!['fields'] as Array<{ field: string }>).map((problem) => problem.field)).toEqual([
      'input.password',
      'input.invitationCode',
    ]);
  });

  it('registers a courier with a code: one use is taken, the invitation is recorded, and invitations sees the acceptance', async () => {
    const invitation = await invite(admin, 'COURIER');
    const result = await test.query(register, { variables: registration('COURIER', { invitationCode: invitation.code }) });
    expect(result.errors).toBeUndefined();
    const user = result.data!['register'].user;
    expect(user).toMatchObject({ roles: ['COURIER'], verified: false });
    expect(await usesOf(invitation.id)).toBe(1);
    const row = await accountsDatabase().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.invitationId).toBe(invitation.id);
    await eventually(
      async () => {
        const seen = await test.query(`query ($id: ID!) { invitation(id: $id) { acceptances { user { id } } } }`, {
          token: admin.accessToken,
          variables: { id: invitation.id },
        });
        const acceptances = seen.data?.['invitation']?.acceptances as Array<{ user: { id: string } }> | undefined;
        return acceptances?.some((acceptance) => acceptance.user.id === user.id) ? true : undefined;
      },
      15_000,
      'the acceptance',
    );
  });

  it('refuses unknown, used-up and wrong-role codes, naming input.invitationCode', async () => {
    const unknown = await test.query(register, { variables: registration('COURIER', { invitationCode: 'GR-AAAA-BBBB-CCCC-DDDD-EEEE' }) });
    expect(firstCode(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0]!.extensions!['fields']).toEqual([
      { field: 'input.invitationCode', message: expect.stringMatching(/not a valid invitation code/) },
    ]);

    const forSuppliers = await invite(admin, 'SUPPLIER');
    const wrongRole = await test.query(register, { variables: registration('COURIER', { invitationCode: forSuppliers.code }) });
    expect(wrongRole.errors![0]!.extensions!['fields']).toEqual([
      { field: 'input.invitationCode', message: expect.stringMatching(/another role/) },
    ]);

    const once = await invite(admin, 'COURIER');
    expect((await test.query(register, { variables: registration('COURIER', { invitationCode: once.code }) })).errors).toBeUndefined();
    const again = await test.query(register, { variables: registration('COURIER', { invitationCode: once.code }) });
    expect(again.errors![0]!.extensions!['fields']).toEqual([
      { field: 'input.invitationCode', message: expect.stringMatching(/already been used/) },
    ]);
  });

  it('gives the use back when the account cannot be created after the claim (a taken email)', async () => {
    const existing = await registerUser(test);
    const invitation = await invite(admin, 'SUPPLIER');
    const duplicate = await test.query(register, {
      variables: registration('SUPPLIER', { email: existing.email, invitationCode: invitation.code }),
    });
    expect(firstCode(duplicate)).toBe('CONFLICT');
    expect(await usesOf(invitation.id)).toBe(0);
    const retried = await test.query(register, { variables: registration('SUPPLIER', { invitationCode: invitation.code }) });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!['register'].user.roles).toEqual(['SUPPLIER']);
  });

  it('lets customers register freely, or with a referral code that is recorded', async () => {
    const free = await test.query(register, { variables: registration('CUSTOMER') });
    expect(free.errors).toBeUndefined();

    const referrer = await registerUser(test);
    const referral = await invite(referrer, 'CUSTOMER');
    const referred = await test.query(register, { variables: registration('CUSTOMER', { invitationCode: referral.code }) });
    expect(referred.errors).toBeUndefined();
    const row = await accountsDatabase().user.findUniqueOrThrow({ where: { id: referred.data!['register'].user.id } });
    expect(row.invitationId).toBe(referral.id);
    expect(await usesOf(referral.id)).toBe(1);
  });
});

describe('the verified flag', () => {
  function publish<Definition extends EventDefinition<any>>(definition: Definition, userId: string, data: EventData<Definition>) {
    return publishEvent(test.platform.eventBus, definition, userId, data, 'verification');
  }

  const approve = (userId: string) =>
    publish(VerificationEvents.approved, userId, {
      requestId: randomUUID(),
      userId,
      role: 'COURIER',
      reviewedBy: admin.id,
      approvedAt: new Date().toISOString(),
    });

  const verifiedOf = async (user: SignedInUser) =>
    (await test.query(`query ($id: ID!) { user(id: $id) { verified } }`, { token: admin.accessToken, variables: { id: user.id } })).data![
      'user'
    ].verified as boolean;

  const verifiedUpdates = (userId: string) =>
    userEvents.received.filter(
      (event) =>
        event.envelope?.type === 'user.updated' && event.envelope.subject === userId && event.envelope.data.changed.includes('verified'),
    );

  it('becomes true on verification.approved, announced as user.updated, and reaches the token at the next refresh', async () => {
    // Created without an invitation, so no verification request of the real service interferes.
    const courier = await registerUser(test, 'COURIER');
    expect(claimsOf(courier.accessToken)['verified']).toBe(false);
    const approval = await approve(courier.id);

    await eventually(async () => ((await verifiedOf(courier)) ? true : undefined), 15_000, 'User.verified');
    const [updated] = await userEvents.waitFor((event) => verifiedUpdates(courier.id).includes(event));
    expect(updated!.envelope!.data).toMatchObject({ userId: courier.id, roles: ['COURIER'], changed: ['verified'] });
    expect(updated!.envelope!.correlationId).toBe(approval.correlationId);

    const refreshed = await test.query(
      `mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken user { verified } } }`,
      {
        variables: { token: courier.refreshToken },
      },
    );
    expect(refreshed.data!['refreshSession'].user.verified).toBe(true);
    expect(claimsOf(refreshed.data!['refreshSession'].accessToken)['verified']).toBe(true);

    // Public: anyone may see it.
    const me = await test.query(`{ me { verified } }`, { token: refreshed.data!['refreshSession'].accessToken });
    expect(me.data!['me']).toEqual({ verified: true });
  });

  it('becomes false again on a rejection, and an outcome that changes nothing announces nothing', async () => {
    const courier = await registerUser(test, 'COURIER');
    await approve(courier.id);
    await approve(courier.id);
    await eventually(async () => ((await verifiedOf(courier)) ? true : undefined), 15_000, 'approval');
    await publish(VerificationEvents.rejected, courier.id, {
      requestId: randomUUID(),
      userId: courier.id,
      role: 'COURIER',
      documentId: randomUUID(),
      documentType: 'DRIVING_LICENCE',
      reason: 'The photo is unreadable.',
      reviewedBy: admin.id,
      rejectedAt: new Date().toISOString(),
    });
    await eventually(async () => ((await verifiedOf(courier)) ? undefined : true), 15_000, 'rejection');
    await userEvents.waitFor((event) => verifiedUpdates(courier.id).includes(event), 2);
    // The second approval found the user verified already.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(verifiedUpdates(courier.id)).toHaveLength(2);
  });
});
