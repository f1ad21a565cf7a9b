-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "VehicleType" AS ENUM ('CARGO_BIKE', 'MOTORCYCLE', 'CAR', 'PICKUP', 'VAN', 'TRUCK');

-- CreateEnum
CREATE TYPE "CourierAvailability" AS ENUM ('ONLINE', 'OFFLINE');

-- CreateTable
CREATE TABLE "courier_profiles" (
    "user_id" UUID NOT NULL,
    "vehicle_type" "VehicleType" NOT NULL,
    "vehicle_plate" TEXT,
    "capacity_cylinders" INTEGER NOT NULL,
    "service_area_latitude" DOUBLE PRECISION NOT NULL,
    "service_area_longitude" DOUBLE PRECISION NOT NULL,
    "service_area_radius_meters" INTEGER NOT NULL,
    "availability" "CourierAvailability" NOT NULL DEFAULT 'OFFLINE',
    "availability_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "eligibility_withdrawn_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "courier_profiles_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "courier_profiles_availability_service_area_latitude_service_idx" ON "courier_profiles"("availability", "service_area_latitude", "service_area_longitude");



-- Written by hand: invariants the database enforces whatever the code does.
ALTER TABLE "courier_profiles" ADD CONSTRAINT "courier_profiles_capacity_cylinders_range" CHECK ("capacity_cylinders" BETWEEN 1 AND 200);
-- BETWEEN is false for NaN, which PostgreSQL sorts above every number.
ALTER TABLE "courier_profiles" ADD CONSTRAINT "courier_profiles_service_area_latitude_range" CHECK ("service_area_latitude" BETWEEN -90 AND 90);
ALTER TABLE "courier_profiles" ADD CONSTRAINT "courier_profiles_service_area_longitude_range" CHECK ("service_area_longitude" BETWEEN -180 AND 180);
ALTER TABLE "courier_profiles" ADD CONSTRAINT "courier_profiles_service_area_radius_range" CHECK ("service_area_radius_meters" BETWEEN 500 AND 100000);
-- Old Brazilian plates (ABC1234) and Mercosul plates (ABC1D23), stored normalised.
ALTER TABLE "courier_profiles" ADD CONSTRAINT "courier_profiles_vehicle_plate_format" CHECK ("vehicle_plate" ~ '^[A-Z]{3}[0-9][A-Z0-9][0-9]{2}$');
-- Every motor vehicle is registered; a cargo bike is not.
ALTER TABLE "courier_profiles" ADD CONSTRAINT "courier_profiles_vehicle_plate_presence" CHECK (("vehicle_type" = 'CARGO_BIKE') = ("vehicle_plate" IS NULL));

