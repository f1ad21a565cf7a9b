-- Per-store figures (issue 17): each order's store, the store's answer and the promise; each store's owner.
-- Orders recorded before stores keep nulls and count for no store.
ALTER TABLE "order_facts" ADD COLUMN "store_id" UUID,
ADD COLUMN "awaiting_acceptance_at" TIMESTAMPTZ(3),
ADD COLUMN "accepted_at" TIMESTAMPTZ(3),
ADD COLUMN "auto_accepted" BOOLEAN,
ADD COLUMN "rejected_at" TIMESTAMPTZ(3),
ADD COLUMN "cancel_reason" TEXT,
ADD COLUMN "promised_by" TIMESTAMPTZ(3);

CREATE INDEX "order_facts_store_id_placed_at_idx" ON "order_facts"("store_id", "placed_at");

CREATE TABLE "store_facts" (
    "store_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,

    CONSTRAINT "store_facts_pkey" PRIMARY KEY ("store_id")
);
