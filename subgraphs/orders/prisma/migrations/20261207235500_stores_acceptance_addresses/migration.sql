-- Stores (issue 17): orders placed with a store, the store's acceptance, troca empties, saved addresses.
-- Every new column is nullable or defaulted, so existing rows stay valid; orders placed before
-- stores keep store_id null and never wait for acceptance.

-- AlterEnum (the new values are not used in this migration, so it may run in one transaction)
ALTER TYPE "OrderStatus" ADD VALUE 'AWAITING_ACCEPTANCE' BEFORE 'CONFIRMED';
ALTER TYPE "CancellationReasonCode" ADD VALUE 'STORE_REJECTED';
ALTER TYPE "CancellationReasonCode" ADD VALUE 'STORE_DID_NOT_ANSWER';

-- AlterTable
ALTER TABLE "catalog_products" ADD COLUMN "store_id" UUID,
ADD COLUMN "brand" TEXT,
ADD COLUMN "sale_type" TEXT,
ADD COLUMN "stock_quantity" INTEGER,
ADD COLUMN "stock_updated_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "store_id" UUID,
ADD COLUMN "pickup" JSONB,
ADD COLUMN "distance_meters" INTEGER,
ADD COLUMN "promised_by" TIMESTAMPTZ(3),
ADD COLUMN "accept_by" TIMESTAMPTZ(3),
ADD COLUMN "accepted_at" TIMESTAMPTZ(3),
ADD COLUMN "accepted_by" UUID,
ADD COLUMN "empties_shortfall_amount" INTEGER;

-- AlterTable
ALTER TABLE "order_items" ADD COLUMN "sale_type" TEXT,
ADD COLUMN "cylinder_type" TEXT,
ADD COLUMN "empty_shortfall_unit_price" INTEGER,
ADD COLUMN "empties_collected" INTEGER;

-- CreateTable
CREATE TABLE "store_views" (
    "store_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "snapshot" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_views_pkey" PRIMARY KEY ("store_id")
);

-- CreateTable
CREATE TABLE "saved_addresses" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "complement" TEXT,
    "district" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "state" CHAR(2) NOT NULL,
    "postal_code" CHAR(8) NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "delivery_notes" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saved_addresses_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "catalog_products_store_id_idx" ON "catalog_products"("store_id");

-- CreateIndex
CREATE INDEX "orders_status_accept_by_idx" ON "orders"("status", "accept_by");

-- CreateIndex
CREATE INDEX "orders_store_id_created_at_idx" ON "orders"("store_id", "created_at");

-- CreateIndex
CREATE INDEX "saved_addresses_user_id_created_at_idx" ON "saved_addresses"("user_id", "created_at");

-- Written by hand: what the application checks, the database holds for any other writer.
ALTER TABLE "catalog_products" ADD CONSTRAINT "catalog_products_stock_non_negative" CHECK ("stock_quantity" >= 0);
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_empties" CHECK ("empty_shortfall_unit_price" >= 0 AND "empties_collected" >= 0);
ALTER TABLE "orders" ADD CONSTRAINT "orders_empties_shortfall_non_negative" CHECK ("empties_shortfall_amount" >= 0);
ALTER TABLE "saved_addresses" ADD CONSTRAINT "saved_addresses_coordinates" CHECK ("latitude" BETWEEN -90 AND 90 AND "longitude" BETWEEN -180 AND 180);
ALTER TABLE "saved_addresses" ADD CONSTRAINT "saved_addresses_state_format" CHECK ("state" ~ '^[A-Z]{2}$');
ALTER TABLE "saved_addresses" ADD CONSTRAINT "saved_addresses_postal_code_format" CHECK ("postal_code" ~ '^[0-9]{8}$');
