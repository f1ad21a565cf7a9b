-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "AlertRuleKind" AS ENUM ('PAYMENT_FAILURE_RATE', 'ORDER_NOT_CONFIRMED', 'DELIVERY_LATE', 'COURIER_NOT_FOUND', 'LOW_STOCK', 'DEAD_LETTERS');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('INFO', 'WARNING', 'CRITICAL');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertRuleKind" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "clear_threshold" DOUBLE PRECISION NOT NULL,
    "window_minutes" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "escalation_policy_id" UUID,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalation_policies" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "levels" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "escalation_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "key" TEXT NOT NULL DEFAULT '',
    "status" "AlertStatus" NOT NULL DEFAULT 'OPEN',
    "severity" "AlertSeverity" NOT NULL,
    "summary" TEXT NOT NULL,
    "trigger_value" DOUBLE PRECISION NOT NULL,
    "last_value" DOUBLE PRECISION NOT NULL,
    "triggered_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" UUID,
    "escalation_level" INTEGER NOT NULL DEFAULT 0,
    "next_escalation_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_observations" (
    "event_id" UUID NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_observations_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "order_watch" (
    "order_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "order_watch_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "courier_misses" (
    "event_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "courier_misses_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "stock_levels" (
    "product_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "name" TEXT,
    "quantity" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "stock_levels_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "partition" INTEGER NOT NULL,
    "offset" TEXT NOT NULL,
    "consumer" TEXT NOT NULL,
    "original_topic" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("partition","offset")
);

-- CreateIndex
CREATE INDEX "alert_rules_created_at_id_idx" ON "alert_rules"("created_at", "id");

-- CreateIndex
CREATE INDEX "escalation_policies_created_at_id_idx" ON "escalation_policies"("created_at", "id");

-- CreateIndex
CREATE INDEX "alerts_created_at_id_idx" ON "alerts"("created_at", "id");

-- CreateIndex
CREATE INDEX "alerts_status_next_escalation_at_idx" ON "alerts"("status", "next_escalation_at");

-- CreateIndex
CREATE INDEX "alerts_rule_id_key_idx" ON "alerts"("rule_id", "key");

-- CreateIndex
CREATE INDEX "payment_observations_at_idx" ON "payment_observations"("at");

-- CreateIndex
CREATE INDEX "order_watch_created_at_idx" ON "order_watch"("created_at");

-- CreateIndex
CREATE INDEX "order_watch_confirmed_at_idx" ON "order_watch"("confirmed_at");

-- CreateIndex
CREATE INDEX "courier_misses_at_idx" ON "courier_misses"("at");

-- CreateIndex
CREATE INDEX "dead_letters_at_idx" ON "dead_letters"("at");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_escalation_policy_id_fkey" FOREIGN KEY ("escalation_policy_id") REFERENCES "escalation_policies"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Written by hand: one incident per rule and key at a time. An alert that is not resolved
-- absorbs every further breach of its rule, which is what makes alerts deduplicated.
CREATE UNIQUE INDEX "alerts_one_open_per_rule_key" ON "alerts" ("rule_id", "key") WHERE "status" <> 'RESOLVED';

-- Written by hand: invariants the database enforces whatever the code does.
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_window_positive" CHECK ("window_minutes" BETWEEN 1 AND 1440);
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_resolved_recorded" CHECK (("status" = 'RESOLVED') = ("resolved_at" IS NOT NULL));
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_level_non_negative" CHECK ("escalation_level" >= 0);

