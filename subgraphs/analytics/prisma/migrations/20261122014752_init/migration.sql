-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ReportKind" AS ENUM ('METRICS_DAILY', 'METRICS_HOURLY', 'TOP_PRODUCTS');

-- CreateEnum
CREATE TYPE "ReportFormat" AS ENUM ('CSV', 'JSON');

-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('PENDING', 'READY', 'FAILED');

-- CreateTable
CREATE TABLE "analytics_events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "supplier_id" UUID,

    CONSTRAINT "analytics_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_facts" (
    "order_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "total_amount" INTEGER,
    "currency" TEXT,
    "payment_method" TEXT,
    "cylinder_count" INTEGER,
    "placed_at" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),
    "courier_id" UUID,
    "courier_assigned_at" TIMESTAMPTZ(3),
    "in_transit_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "order_facts_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "order_item_facts" (
    "order_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "line_total_amount" INTEGER NOT NULL,

    CONSTRAINT "order_item_facts_pkey" PRIMARY KEY ("order_id","product_id")
);

-- CreateTable
CREATE TABLE "payment_outcomes" (
    "event_id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "supplier_id" UUID,
    "succeeded" BOOLEAN NOT NULL,
    "amount" INTEGER,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_outcomes_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "product_facts" (
    "product_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cylinder_type" TEXT NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_facts_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "reports" (
    "id" UUID NOT NULL,
    "requested_by" UUID NOT NULL,
    "kind" "ReportKind" NOT NULL,
    "format" "ReportFormat" NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leased_until" TIMESTAMPTZ(3),
    "content" TEXT,
    "content_type" TEXT,
    "size_bytes" INTEGER,
    "error" TEXT,
    "generated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "analytics_events_occurred_at_idx" ON "analytics_events"("occurred_at");

-- CreateIndex
CREATE INDEX "analytics_events_type_occurred_at_idx" ON "analytics_events"("type", "occurred_at");

-- CreateIndex
CREATE INDEX "order_facts_placed_at_idx" ON "order_facts"("placed_at");

-- CreateIndex
CREATE INDEX "order_facts_supplier_id_placed_at_idx" ON "order_facts"("supplier_id", "placed_at");

-- CreateIndex
CREATE INDEX "order_facts_delivered_at_idx" ON "order_facts"("delivered_at");

-- CreateIndex
CREATE INDEX "order_facts_supplier_id_delivered_at_idx" ON "order_facts"("supplier_id", "delivered_at");

-- CreateIndex
CREATE INDEX "order_item_facts_product_id_idx" ON "order_item_facts"("product_id");

-- CreateIndex
CREATE INDEX "payment_outcomes_at_idx" ON "payment_outcomes"("at");

-- CreateIndex
CREATE INDEX "payment_outcomes_order_id_idx" ON "payment_outcomes"("order_id");

-- CreateIndex
CREATE INDEX "reports_created_at_id_idx" ON "reports"("created_at", "id");

-- CreateIndex
CREATE INDEX "reports_status_created_at_idx" ON "reports"("status", "created_at");

-- AddForeignKey
ALTER TABLE "order_item_facts" ADD CONSTRAINT "order_item_facts_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order_facts"("order_id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Written by hand: covering indexes, so the metrics queries over a range read only the index
-- (the benchmark in bench/analytics/ measures them; see BENCHMARKS.md).
CREATE INDEX "order_facts_delivered_cover" ON "order_facts" ("delivered_at") INCLUDE ("supplier_id", "total_amount", "confirmed_at", "courier_id", "courier_assigned_at", "in_transit_at") WHERE "delivered_at" IS NOT NULL;
CREATE INDEX "order_facts_placed_cover" ON "order_facts" ("placed_at") INCLUDE ("supplier_id") WHERE "placed_at" IS NOT NULL;
CREATE INDEX "payment_outcomes_at_cover" ON "payment_outcomes" ("at") INCLUDE ("succeeded", "supplier_id", "order_id");

-- Written by hand: invariants the database enforces whatever the code does.
ALTER TABLE "order_facts" ADD CONSTRAINT "order_facts_total_non_negative" CHECK ("total_amount" IS NULL OR "total_amount" >= 0);
ALTER TABLE "order_item_facts" ADD CONSTRAINT "order_item_facts_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "reports" ADD CONSTRAINT "reports_period_ordered" CHECK ("period_start" < "period_end");
ALTER TABLE "reports" ADD CONSTRAINT "reports_ready_has_content" CHECK ("status" <> 'READY' OR ("content" IS NOT NULL AND "generated_at" IS NOT NULL));

