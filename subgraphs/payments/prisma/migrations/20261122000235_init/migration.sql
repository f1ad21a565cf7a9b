-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('PIX', 'CARD', 'CASH_ON_DELIVERY');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('AWAITING_PAYMENT', 'AWAITING_DELIVERY', 'PROCESSING', 'PAID', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED');

-- CreateEnum
CREATE TYPE "PaymentFailureCode" AS ENUM ('DECLINED', 'INSUFFICIENT_FUNDS', 'PROVIDER_ERROR', 'EXPIRED');

-- CreateEnum
CREATE TYPE "AttemptStatus" AS ENUM ('PENDING', 'AWAITING_CONFIRMATION', 'UNKNOWN', 'CAPTURED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "LedgerTransactionKind" AS ENUM ('CAPTURE', 'REFUND');

-- CreateEnum
CREATE TYPE "LedgerAccount" AS ENUM ('provider_clearing', 'cash_collected', 'supplier_payable', 'platform_commission');

-- CreateEnum
CREATE TYPE "EntryDirection" AS ENUM ('DEBIT', 'CREDIT');

-- CreateEnum
CREATE TYPE "IdempotencyStatus" AS ENUM ('IN_PROGRESS', 'COMPLETED');

-- CreateEnum
CREATE TYPE "SandboxTransactionKind" AS ENUM ('CHARGE', 'REFUND');

-- CreateEnum
CREATE TYPE "SandboxTransactionStatus" AS ENUM ('PENDING', 'CAPTURED', 'DECLINED', 'CANCELLED', 'REFUNDED', 'REFUSED');

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "PaymentStatus" NOT NULL,
    "captured_amount" INTEGER NOT NULL DEFAULT 0,
    "refunded_amount" INTEGER NOT NULL DEFAULT 0,
    "commission_amount" INTEGER NOT NULL DEFAULT 0,
    "commission_reversed" INTEGER NOT NULL DEFAULT 0,
    "provider_reference" TEXT,
    "failure_code" "PaymentFailureCode",
    "failure_reason" TEXT,
    "pix_code" TEXT,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "captured_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_attempts" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "AttemptStatus" NOT NULL,
    "idempotency_key" TEXT,
    "provider_reference" TEXT,
    "failure_code" "PaymentFailureCode",
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "payment_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "RefundStatus" NOT NULL,
    "initiated_by" UUID,
    "idempotency_key" TEXT,
    "provider_reference" TEXT,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "owner_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "status" "IdempotencyStatus" NOT NULL DEFAULT 'IN_PROGRESS',
    "response" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("owner_id","key")
);

-- CreateTable
CREATE TABLE "ledger_transactions" (
    "id" UUID NOT NULL,
    "kind" "LedgerTransactionKind" NOT NULL,
    "payment_id" UUID NOT NULL,
    "refund_id" UUID,
    "currency" CHAR(3) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" UUID NOT NULL,
    "account" "LedgerAccount" NOT NULL,
    "direction" "EntryDirection" NOT NULL,
    "amount" INTEGER NOT NULL,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sandbox_provider_transactions" (
    "id" UUID NOT NULL,
    "provider_reference" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "kind" "SandboxTransactionKind" NOT NULL,
    "status" "SandboxTransactionStatus" NOT NULL,
    "payment_id" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "charge_id" UUID,
    "refusal" TEXT,
    "pix_code" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "sandbox_provider_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payments_order_id_key" ON "payments"("order_id");

-- CreateIndex
CREATE INDEX "payments_customer_id_created_at_id_idx" ON "payments"("customer_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "payments_status_idx" ON "payments"("status");

-- CreateIndex
CREATE INDEX "payment_attempts_payment_id_created_at_idx" ON "payment_attempts"("payment_id", "created_at");

-- CreateIndex
CREATE INDEX "payment_attempts_status_created_at_idx" ON "payment_attempts"("status", "created_at");

-- CreateIndex
CREATE INDEX "refunds_payment_id_created_at_idx" ON "refunds"("payment_id", "created_at");

-- CreateIndex
CREATE INDEX "refunds_status_created_at_idx" ON "refunds"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transactions_refund_id_key" ON "ledger_transactions"("refund_id");

-- CreateIndex
CREATE INDEX "ledger_transactions_occurred_at_idx" ON "ledger_transactions"("occurred_at");

-- CreateIndex
CREATE INDEX "ledger_transactions_payment_id_idx" ON "ledger_transactions"("payment_id");

-- CreateIndex
CREATE INDEX "ledger_transactions_created_at_id_idx" ON "ledger_transactions"("created_at", "id");

-- CreateIndex
CREATE INDEX "ledger_entries_transaction_id_idx" ON "ledger_entries"("transaction_id");

-- CreateIndex
CREATE INDEX "ledger_entries_account_idx" ON "ledger_entries"("account");

-- CreateIndex
CREATE UNIQUE INDEX "sandbox_provider_transactions_provider_reference_key" ON "sandbox_provider_transactions"("provider_reference");

-- CreateIndex
CREATE UNIQUE INDEX "sandbox_provider_transactions_reference_key" ON "sandbox_provider_transactions"("reference");

-- CreateIndex
CREATE INDEX "sandbox_provider_transactions_settled_at_idx" ON "sandbox_provider_transactions"("settled_at");

-- CreateIndex
CREATE INDEX "sandbox_provider_transactions_kind_status_created_at_idx" ON "sandbox_provider_transactions"("kind", "status", "created_at");

-- CreateIndex
CREATE INDEX "sandbox_provider_transactions_charge_id_idx" ON "sandbox_provider_transactions"("charge_id");

-- AddForeignKey
ALTER TABLE "payment_attempts" ADD CONSTRAINT "payment_attempts_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;



-- Money is integer minor units; what the code keeps true, the database refuses to forget.
ALTER TABLE "payments" ADD CONSTRAINT "payments_amounts_valid" CHECK (
  "amount" > 0
  AND "captured_amount" >= 0 AND "captured_amount" <= "amount"
  AND "refunded_amount" >= 0 AND "refunded_amount" <= "captured_amount"
  AND "commission_amount" >= 0 AND "commission_amount" <= "captured_amount"
  AND "commission_reversed" >= 0 AND "commission_reversed" <= "commission_amount"
);
ALTER TABLE "payments" ADD CONSTRAINT "payments_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "payment_attempts" ADD CONSTRAINT "payment_attempts_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "sandbox_provider_transactions" ADD CONSTRAINT "sandbox_provider_transactions_amount_positive" CHECK ("amount" > 0);

-- At most one attempt per payment is ever unresolved, and at most one captures: whatever the
-- code does, a payment cannot be charged twice.
CREATE UNIQUE INDEX "payment_attempts_one_unresolved" ON "payment_attempts"("payment_id")
  WHERE "status" IN ('PENDING', 'AWAITING_CONFIRMATION', 'UNKNOWN');
CREATE UNIQUE INDEX "payment_attempts_one_captured" ON "payment_attempts"("payment_id") WHERE "status" = 'CAPTURED';
-- A payment enters the ledger as captured once.
CREATE UNIQUE INDEX "ledger_transactions_one_capture" ON "ledger_transactions"("payment_id") WHERE "kind" = 'CAPTURE';

-- Double entry: at commit, every ledger transaction touched has entries, and its debits equal
-- its credits. Deferred, so the entries of one transaction may be inserted one by one.
CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  checked uuid;
  debits bigint;
  credits bigint;
  entries bigint;
BEGIN
  -- Separate statements: PL/pgSQL plans each only when it runs, and each table has only its own column.
  IF TG_TABLE_NAME = 'ledger_entries' THEN
    checked := NEW."transaction_id";
  ELSE
    checked := NEW."id";
  END IF;
  SELECT count(*),
         coalesce(sum("amount") FILTER (WHERE "direction" = 'DEBIT'), 0),
         coalesce(sum("amount") FILTER (WHERE "direction" = 'CREDIT'), 0)
    INTO entries, debits, credits
    FROM "ledger_entries" WHERE "transaction_id" = checked;
  IF entries = 0 THEN
    RAISE EXCEPTION 'ledger transaction % has no entries', checked USING ERRCODE = 'check_violation';
  END IF;
  IF debits <> credits THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced: debits % <> credits %', checked, debits, credits
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER "ledger_entries_balanced" AFTER INSERT ON "ledger_entries"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();
CREATE CONSTRAINT TRIGGER "ledger_transactions_balanced" AFTER INSERT ON "ledger_transactions"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();

-- The ledger is append-only: a mistake is corrected by a new transaction, never by editing one.
CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER "ledger_transactions_append_only" BEFORE UPDATE OR DELETE ON "ledger_transactions"
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER "ledger_entries_no_truncate" BEFORE TRUNCATE ON "ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER "ledger_transactions_no_truncate" BEFORE TRUNCATE ON "ledger_transactions"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
