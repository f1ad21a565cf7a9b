-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "VerificationRole" AS ENUM ('SUPPLIER', 'COURIER');

-- CreateEnum
CREATE TYPE "RequestState" AS ENUM ('PENDING_DOCUMENTS', 'IN_REVIEW', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "DocumentStatus" AS ENUM ('AWAITING_UPLOAD', 'PENDING_REVIEW', 'APPROVED', 'REJECTED', 'SUPERSEDED');

-- CreateTable
CREATE TABLE "verification_requests" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "VerificationRole" NOT NULL,
    "state" "RequestState" NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "verification_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "documents" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "document_type" TEXT NOT NULL,
    "version" INTEGER,
    "status" "DocumentStatus" NOT NULL,
    "content_type" TEXT NOT NULL,
    "size_bytes" INTEGER,
    "sha256" CHAR(64),
    "storage_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uploaded_at" TIMESTAMPTZ(3),
    "reviewed_by" UUID,
    "reviewed_at" TIMESTAMPTZ(3),
    "rejection_reason" TEXT,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "verification_requests_user_id_key" ON "verification_requests"("user_id");

-- CreateIndex
CREATE INDEX "documents_status_uploaded_at_id_idx" ON "documents"("status", "uploaded_at", "id");

-- CreateIndex
CREATE INDEX "documents_request_id_document_type_idx" ON "documents"("request_id", "document_type");

-- CreateIndex
CREATE UNIQUE INDEX "documents_user_id_document_type_version_key" ON "documents"("user_id", "document_type", "version");

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "verification_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;



-- Written by hand: invariants the database enforces whatever the code does.
-- At most one current (uploaded, not superseded) document per user and type: two uploads racing
-- for the same type cannot both become current.
CREATE UNIQUE INDEX "documents_one_current_per_type" ON "documents"("user_id", "document_type")
  WHERE "status" IN ('PENDING_REVIEW', 'APPROVED', 'REJECTED');
ALTER TABLE "documents" ADD CONSTRAINT "documents_uploaded_have_metadata"
  CHECK ("status" = 'AWAITING_UPLOAD' OR ("version" IS NOT NULL AND "size_bytes" IS NOT NULL AND "sha256" IS NOT NULL AND "uploaded_at" IS NOT NULL));
ALTER TABLE "documents" ADD CONSTRAINT "documents_version_positive" CHECK ("version" >= 1);
ALTER TABLE "documents" ADD CONSTRAINT "documents_size_positive" CHECK ("size_bytes" > 0);
ALTER TABLE "documents" ADD CONSTRAINT "documents_rejection_has_reason"
  CHECK ("status" <> 'REJECTED' OR "rejection_reason" IS NOT NULL);
