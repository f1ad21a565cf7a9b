-- Dispatch from the store (issue 17): capacity per cylinder class, suppliers' fleets, and
-- deliveries with a pickup, cylinders by class and empties to collect. Runs on databases that
-- already hold profiles, deliveries and offers.

-- CreateEnum
CREATE TYPE "CylinderType" AS ENUM ('P2', 'P5', 'P8', 'P13', 'P20', 'P45', 'P90');

-- CreateTable
CREATE TABLE "courier_capacities" (
    "user_id" UUID NOT NULL,
    "cylinder_type" "CylinderType" NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "courier_capacities_pkey" PRIMARY KEY ("user_id", "cylinder_type")
);

-- AddForeignKey
ALTER TABLE "courier_capacities" ADD CONSTRAINT "courier_capacities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "courier_profiles"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing profiles: the old count ("one each whatever the size") becomes that many of every
-- class the vehicle may carry under the default rules (COURIERS_VEHICLE_CYLINDER_CLASSES), which
-- keeps what each courier was offered before, less what the vehicle may no longer carry. A CAR
-- gets no class: it is not allowed to carry LPG cylinders, and its courier must change vehicle.
INSERT INTO "courier_capacities" ("user_id", "cylinder_type", "quantity")
SELECT p."user_id", c."cylinder_type"::"CylinderType", p."capacity_cylinders"
FROM "courier_profiles" p
JOIN (VALUES
    ('CARGO_BIKE', 'P2'), ('CARGO_BIKE', 'P5'), ('CARGO_BIKE', 'P8'),
    ('MOTORCYCLE', 'P13'),
    ('PICKUP', 'P2'), ('PICKUP', 'P5'), ('PICKUP', 'P8'), ('PICKUP', 'P13'), ('PICKUP', 'P20'), ('PICKUP', 'P45'), ('PICKUP', 'P90'),
    ('VAN', 'P2'), ('VAN', 'P5'), ('VAN', 'P8'), ('VAN', 'P13'), ('VAN', 'P20'), ('VAN', 'P45'), ('VAN', 'P90'),
    ('TRUCK', 'P2'), ('TRUCK', 'P5'), ('TRUCK', 'P8'), ('TRUCK', 'P13'), ('TRUCK', 'P20'), ('TRUCK', 'P45'), ('TRUCK', 'P90')
) AS c("vehicle_type", "cylinder_type") ON c."vehicle_type" = p."vehicle_type"::text
WHERE p."capacity_cylinders" > 0;

-- AlterTable
ALTER TABLE "courier_profiles" DROP COLUMN "capacity_cylinders",
ADD COLUMN     "fleet_supplier_id" UUID,
ADD COLUMN     "fleet_joined_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "courier_profiles_fleet_supplier_id_idx" ON "courier_profiles"("fleet_supplier_id");

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "store_id" UUID,
ADD COLUMN     "store_name" TEXT,
ADD COLUMN     "pickup_street" TEXT,
ADD COLUMN     "pickup_number" TEXT,
ADD COLUMN     "pickup_district" TEXT,
ADD COLUMN     "pickup_city" TEXT,
ADD COLUMN     "pickup_state" TEXT,
ADD COLUMN     "pickup_latitude" DOUBLE PRECISION,
ADD COLUMN     "pickup_longitude" DOUBLE PRECISION,
ADD COLUMN     "promised_by" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "delivery_cylinders" (
    "order_id" UUID NOT NULL,
    "cylinder_type" "CylinderType" NOT NULL,
    "quantity" INTEGER NOT NULL,
    "empties_to_collect" INTEGER NOT NULL DEFAULT 0,
    "empties_collected" INTEGER,

    CONSTRAINT "delivery_cylinders_pkey" PRIMARY KEY ("order_id", "cylinder_type")
);

-- AddForeignKey
ALTER TABLE "delivery_cylinders" ADD CONSTRAINT "delivery_cylinders_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "deliveries"("order_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing deliveries counted cylinders without a class: household P13s, as order.confirmed
-- without `cylinders` is still read.
INSERT INTO "delivery_cylinders" ("order_id", "cylinder_type", "quantity")
SELECT "order_id", 'P13', "cylinder_count" FROM "deliveries";

-- AlterTable
ALTER TABLE "delivery_offers" ADD COLUMN     "pickup_distance_meters" INTEGER,
ADD COLUMN     "drop_off_distance_meters" INTEGER;

-- What the schema cannot say: the same ranges the application keeps.
ALTER TABLE "courier_capacities" ADD CONSTRAINT "courier_capacities_quantity_range" CHECK ("quantity" BETWEEN 1 AND 200);
ALTER TABLE "delivery_cylinders" ADD CONSTRAINT "delivery_cylinders_counts_nonnegative"
  CHECK ("quantity" >= 0 AND "empties_to_collect" >= 0);
ALTER TABLE "delivery_cylinders" ADD CONSTRAINT "delivery_cylinders_collected_at_most_expected"
  CHECK ("empties_collected" BETWEEN 0 AND "empties_to_collect");
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_pickup_range"
  CHECK ("pickup_latitude" BETWEEN -90 AND 90 AND "pickup_longitude" BETWEEN -180 AND 180);
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_pickup_whole" CHECK (("store_id" IS NULL) = ("pickup_latitude" IS NULL));
ALTER TABLE "delivery_offers" ADD CONSTRAINT "delivery_offers_legs_nonnegative"
  CHECK ("pickup_distance_meters" >= 0 AND "drop_off_distance_meters" >= 0);
