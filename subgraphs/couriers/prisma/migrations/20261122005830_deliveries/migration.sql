-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('SEARCHING', 'ASSIGNED', 'PICKED_UP', 'DELIVERED', 'NOT_FOUND', 'CANCELLED');

-- CreateEnum
CREATE TYPE "OfferStatus" AS ENUM ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN');

-- AlterTable
ALTER TABLE "courier_profiles" ADD COLUMN     "last_latitude" DOUBLE PRECISION,
ADD COLUMN     "last_location_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_longitude" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "deliveries" (
    "order_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "cylinder_count" INTEGER NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'SEARCHING',
    "courier_id" UUID,
    "search_started_at" TIMESTAMPTZ(3) NOT NULL,
    "code_hash" TEXT,
    "code_attempts" INTEGER NOT NULL DEFAULT 0,
    "assigned_at" TIMESTAMPTZ(3),
    "picked_up_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "delivery_offers" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "courier_id" UUID NOT NULL,
    "distance_meters" INTEGER NOT NULL,
    "status" "OfferStatus" NOT NULL DEFAULT 'PENDING',
    "offered_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "responded_at" TIMESTAMPTZ(3),

    CONSTRAINT "delivery_offers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "deliveries_status_search_started_at_idx" ON "deliveries"("status", "search_started_at");

-- CreateIndex
CREATE INDEX "deliveries_courier_id_status_idx" ON "deliveries"("courier_id", "status");

-- CreateIndex
CREATE INDEX "delivery_offers_status_expires_at_idx" ON "delivery_offers"("status", "expires_at");

-- CreateIndex
CREATE INDEX "delivery_offers_courier_id_status_idx" ON "delivery_offers"("courier_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_offers_order_id_courier_id_key" ON "delivery_offers"("order_id", "courier_id");

-- AddForeignKey
ALTER TABLE "delivery_offers" ADD CONSTRAINT "delivery_offers_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "deliveries"("order_id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Written by hand: invariants the database enforces whatever the code does.
ALTER TABLE "courier_profiles" ADD CONSTRAINT "courier_profiles_last_position_range"
  CHECK ("last_latitude" BETWEEN -90 AND 90 AND "last_longitude" BETWEEN -180 AND 180);
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_cylinder_count_positive" CHECK ("cylinder_count" > 0);
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_location_range" CHECK ("latitude" BETWEEN -90 AND 90 AND "longitude" BETWEEN -180 AND 180);
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_courier_when_assigned"
  CHECK (("status" IN ('ASSIGNED', 'PICKED_UP', 'DELIVERED')) <= ("courier_id" IS NOT NULL AND "code_hash" IS NOT NULL));
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_code_attempts_nonnegative" CHECK ("code_attempts" >= 0);
ALTER TABLE "delivery_offers" ADD CONSTRAINT "delivery_offers_deadline_after_offer" CHECK ("expires_at" > "offered_at");
ALTER TABLE "delivery_offers" ADD CONSTRAINT "delivery_offers_distance_nonnegative" CHECK ("distance_meters" >= 0);
-- At most one open offer per order: the assignment job and a decline cannot both offer it.
CREATE UNIQUE INDEX "delivery_offers_one_pending_per_order" ON "delivery_offers" ("order_id") WHERE "status" = 'PENDING';
-- At most one open offer per courier: two orders searched at once cannot both offer the same courier.
CREATE UNIQUE INDEX "delivery_offers_one_pending_per_courier" ON "delivery_offers" ("courier_id") WHERE "status" = 'PENDING';
