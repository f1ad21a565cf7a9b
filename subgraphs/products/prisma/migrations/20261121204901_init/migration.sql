-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "CylinderType" AS ENUM ('P2', 'P5', 'P8', 'P13', 'P20', 'P45', 'P90');

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "cylinder_type" "CylinderType" NOT NULL,
    "size_grams" INTEGER NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "stock_quantity" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "products_supplier_id_created_at_id_idx" ON "products"("supplier_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "products_active_created_at_id_idx" ON "products"("active", "created_at", "id");


-- Written by hand: invariants the database enforces whatever the code does.
ALTER TABLE "products" ADD CONSTRAINT "products_stock_quantity_non_negative" CHECK ("stock_quantity" >= 0);
ALTER TABLE "products" ADD CONSTRAINT "products_price_cents_positive" CHECK ("price_cents" > 0);
ALTER TABLE "products" ADD CONSTRAINT "products_size_grams_positive" CHECK ("size_grams" > 0);
