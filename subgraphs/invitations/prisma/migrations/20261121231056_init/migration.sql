-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "InvitationRole" AS ENUM ('CUSTOMER', 'SUPPLIER', 'COURIER');

-- CreateEnum
CREATE TYPE "InvitationChannel" AS ENUM ('EMAIL', 'SMS');

-- CreateEnum
CREATE TYPE "InviterRole" AS ENUM ('CUSTOMER', 'SUPPLIER', 'COURIER', 'ADMIN');

-- CreateEnum
CREATE TYPE "AcceptanceStatus" AS ENUM ('PENDING', 'ACCEPTED');

-- CreateTable
CREATE TABLE "invitations" (
    "id" UUID NOT NULL,
    "code_hash" CHAR(64) NOT NULL,
    "role" "InvitationRole" NOT NULL,
    "channel" "InvitationChannel" NOT NULL,
    "recipient" TEXT,
    "invited_by" UUID NOT NULL,
    "inviter_roles" "InviterRole"[],
    "max_uses" INTEGER NOT NULL,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "expired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invitation_acceptances" (
    "user_id" UUID NOT NULL,
    "invitation_id" UUID NOT NULL,
    "status" "AcceptanceStatus" NOT NULL DEFAULT 'PENDING',
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "accepted_at" TIMESTAMPTZ(3),

    CONSTRAINT "invitation_acceptances_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "code_attempts" (
    "address" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "code_attempts_pkey" PRIMARY KEY ("address")
);

-- CreateIndex
CREATE UNIQUE INDEX "invitations_code_hash_key" ON "invitations"("code_hash");

-- CreateIndex
CREATE INDEX "invitations_invited_by_created_at_id_idx" ON "invitations"("invited_by", "created_at", "id");

-- CreateIndex
CREATE INDEX "invitations_created_at_id_idx" ON "invitations"("created_at", "id");

-- CreateIndex
CREATE INDEX "invitations_role_created_at_id_idx" ON "invitations"("role", "created_at", "id");

-- CreateIndex
CREATE INDEX "invitation_acceptances_invitation_id_status_idx" ON "invitation_acceptances"("invitation_id", "status");

-- CreateIndex
CREATE INDEX "invitation_acceptances_status_claimed_at_idx" ON "invitation_acceptances"("status", "claimed_at");

-- CreateIndex
CREATE INDEX "code_attempts_window_start_idx" ON "code_attempts"("window_start");

-- AddForeignKey
ALTER TABLE "invitation_acceptances" ADD CONSTRAINT "invitation_acceptances_invitation_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "invitations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Written by hand: invariants the database enforces whatever the code does. The claim's
-- conditional update relies on uses <= max_uses to make the last use a race one side loses.
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_uses_within_max_uses" CHECK ("uses" <= "max_uses");
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_uses_non_negative" CHECK ("uses" >= 0);
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_max_uses_positive" CHECK ("max_uses" >= 1);
ALTER TABLE "code_attempts" ADD CONSTRAINT "code_attempts_count_positive" CHECK ("count" >= 1);

-- Written by hand: the expiry job looks only at invitations it has not announced yet.
CREATE INDEX "invitations_expiry_due_idx" ON "invitations"("expires_at") WHERE "expired_at" IS NULL AND "revoked_at" IS NULL;

