-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('PENDING_PAYMENT', 'CONFIRMED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('PIX', 'CARD', 'CASH_ON_DELIVERY');

-- CreateEnum
CREATE TYPE "OrderActorRole" AS ENUM ('CUSTOMER', 'SUPPLIER', 'ADMIN', 'SYSTEM');

-- CreateEnum
CREATE TYPE "CancellationReasonCode" AS ENUM ('CUSTOMER_REQUEST', 'SUPPLIER_REQUEST', 'ADMIN_REQUEST', 'STOCK_UNAVAILABLE', 'PAYMENT_EXPIRED');

-- CreateEnum
CREATE TYPE "PaymentFailureCode" AS ENUM ('DECLINED', 'INSUFFICIENT_FUNDS', 'PROVIDER_ERROR', 'EXPIRED');

-- CreateTable
CREATE TABLE "catalog_products" (
    "product_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cylinder_type" TEXT NOT NULL,
    "price_amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "active" BOOLEAN NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "catalog_products_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "status" "OrderStatus" NOT NULL DEFAULT 'PENDING_PAYMENT',
    "payment_method" "PaymentMethod" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "subtotal_amount" INTEGER NOT NULL,
    "delivery_fee_amount" INTEGER NOT NULL,
    "total_amount" INTEGER NOT NULL,
    "street" TEXT,
    "number" TEXT,
    "complement" TEXT,
    "district" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "state" CHAR(2) NOT NULL,
    "postal_code" CHAR(8),
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "address_erased_at" TIMESTAMPTZ(3),
    "stock_reserved" BOOLEAN NOT NULL DEFAULT false,
    "paid" BOOLEAN NOT NULL DEFAULT false,
    "refunded_amount" INTEGER NOT NULL DEFAULT 0,
    "payment_due_at" TIMESTAMPTZ(3),
    "last_payment_failure_code" "PaymentFailureCode",
    "last_payment_failure_reason" TEXT,
    "last_payment_failed_at" TIMESTAMPTZ(3),
    "cancellation_reason_code" "CancellationReasonCode",
    "cancellation_reason" TEXT,
    "cancelled_by" UUID,
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_items" (
    "order_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "product_name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_amount" INTEGER NOT NULL,
    "line_total_amount" INTEGER NOT NULL,

    CONSTRAINT "order_items_pkey" PRIMARY KEY ("order_id","product_id")
);

-- CreateTable
CREATE TABLE "order_status_history" (
    "seq" BIGSERIAL NOT NULL,
    "order_id" UUID NOT NULL,
    "from_status" "OrderStatus",
    "to_status" "OrderStatus" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_role" "OrderActorRole" NOT NULL,
    "reason" TEXT,

    CONSTRAINT "order_status_history_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "orders_customer_id_created_at_id_idx" ON "orders"("customer_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "orders_supplier_id_created_at_id_idx" ON "orders"("supplier_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "orders_created_at_id_idx" ON "orders"("created_at", "id");

-- CreateIndex
CREATE INDEX "orders_status_payment_due_at_idx" ON "orders"("status", "payment_due_at");

-- CreateIndex
CREATE INDEX "order_status_history_order_id_seq_idx" ON "order_status_history"("order_id", "seq");

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_status_history" ADD CONSTRAINT "order_status_history_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;



-- Written by hand: invariants the database enforces whatever the code does.
ALTER TABLE "catalog_products" ADD CONSTRAINT "catalog_products_price_non_negative" CHECK ("price_amount" >= 0);
-- Money is integer minor units; the total is the sum of its parts and never above the platform's ceiling.
ALTER TABLE "orders" ADD CONSTRAINT "orders_amounts_non_negative" CHECK ("subtotal_amount" >= 0 AND "delivery_fee_amount" >= 0 AND "refunded_amount" >= 0);
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_is_sum" CHECK ("total_amount" = "subtotal_amount" + "delivery_fee_amount");
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_ceiling" CHECK ("total_amount" <= 100000000);
ALTER TABLE "orders" ADD CONSTRAINT "orders_currency_format" CHECK ("currency" ~ '^[A-Z]{3}$');
-- BETWEEN is false for NaN, which PostgreSQL sorts above every number.
ALTER TABLE "orders" ADD CONSTRAINT "orders_latitude_range" CHECK ("latitude" BETWEEN -90 AND 90);
ALTER TABLE "orders" ADD CONSTRAINT "orders_longitude_range" CHECK ("longitude" BETWEEN -180 AND 180);
ALTER TABLE "orders" ADD CONSTRAINT "orders_state_format" CHECK ("state" ~ '^[A-Z]{2}$');
ALTER TABLE "orders" ADD CONSTRAINT "orders_postal_code_format" CHECK ("postal_code" ~ '^[0-9]{8}$');
-- A cancelled order says why, and only a cancelled one does.
ALTER TABLE "orders" ADD CONSTRAINT "orders_cancellation_recorded" CHECK (("status" = 'CANCELLED') = ("cancellation_reason_code" IS NOT NULL AND "cancelled_at" IS NOT NULL));
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_quantity_range" CHECK ("quantity" BETWEEN 1 AND 50);
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_line_total" CHECK ("unit_price_amount" >= 0 AND "line_total_amount" = "unit_price_amount" * "quantity");
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_position_non_negative" CHECK ("position" >= 0);

-- Written by hand: the status history is an audit trail; once written, a row never changes or goes.
CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'order_status_history is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER order_status_history_immutable BEFORE UPDATE OR DELETE ON "order_status_history"
  FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER order_status_history_no_truncate BEFORE TRUNCATE ON "order_status_history"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

