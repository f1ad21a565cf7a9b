-- An order's empties shortfall (issue 17): the charge for empties a troca delivery did not get back.
CREATE TYPE "EmptiesShortfallStatus" AS ENUM ('COLLECTED_WITH_CASH', 'DUE', 'NOT_COLLECTED');

ALTER TABLE "payments" ADD COLUMN "empties_shortfall_amount" INTEGER,
ADD COLUMN "empties_shortfall_status" "EmptiesShortfallStatus",
ADD COLUMN "empties_shortfall_at" TIMESTAMPTZ(3);

-- Recorded whole or not at all, and never a charge of nothing.
ALTER TABLE "payments" ADD CONSTRAINT "payments_empties_shortfall_valid" CHECK (
  ("empties_shortfall_amount" IS NULL AND "empties_shortfall_status" IS NULL AND "empties_shortfall_at" IS NULL)
  OR ("empties_shortfall_amount" > 0 AND "empties_shortfall_status" IS NOT NULL AND "empties_shortfall_at" IS NOT NULL)
);

-- The payment has one CAPTURE (ledger_transactions_one_capture): shortfall cash collected after it
-- is a ledger transaction of its own kind, entered as a capture is.
ALTER TYPE "LedgerTransactionKind" ADD VALUE 'EMPTIES_SHORTFALL';
