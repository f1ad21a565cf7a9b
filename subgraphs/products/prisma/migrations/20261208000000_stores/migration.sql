-- Stores (issue 17): a supplier runs stores, each with an address, a delivery area, hours, a fee
-- rule and its ANP authorisation; every product belongs to one store and has a brand and a sale type.
-- Runs on databases that already hold products: each supplier with products gets one default
-- store, inactive and without an address until its owner completes it with saveStore, and every
-- moved product is announced again (product.updated) so other services' projections learn its store.

CREATE TYPE "SaleType" AS ENUM ('REFILL_EXCHANGE', 'FULL_WITH_CYLINDER', 'EMPTY_CYLINDER');
CREATE TYPE "ResellerType" AS ENUM ('INDEPENDENT', 'BRANDED');

CREATE TABLE "stores" (
    "id" UUID NOT NULL,
    "supplier_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "street" TEXT,
    "number" TEXT,
    "complement" TEXT,
    "district" TEXT,
    "city" TEXT,
    "state" CHAR(2),
    "postal_code" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "time_zone" TEXT NOT NULL DEFAULT 'America/Sao_Paulo',
    "delivery_radius_m" INTEGER NOT NULL,
    "delivery_polygon" JSONB,
    "opening_hours" JSONB NOT NULL DEFAULT '[]',
    "exceptions" JSONB NOT NULL DEFAULT '[]',
    "pause_reason" TEXT,
    "paused_since" TIMESTAMPTZ(3),
    "paused_until" TIMESTAMPTZ(3),
    "reseller_type" "ResellerType" NOT NULL,
    "brand" TEXT,
    "minimum_order_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL DEFAULT 'BRL',
    "fee_base_cents" INTEGER NOT NULL,
    "fee_per_km_cents" INTEGER NOT NULL,
    "fee_free_above_cents" INTEGER,
    "preparation_minutes" INTEGER NOT NULL,
    "auto_accept" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "stores_pkey" PRIMARY KEY ("id"),
    -- An address is all there or not at all; a store without one is never active (never listed).
    CONSTRAINT "stores_address_complete" CHECK (
      ("street", "number", "district", "city", "state", "postal_code", "latitude", "longitude") IS NOT NULL
      OR ("street" IS NULL AND "latitude" IS NULL AND "longitude" IS NULL AND NOT "active")
    ),
    CONSTRAINT "stores_branded_has_brand" CHECK ("reseller_type" = 'INDEPENDENT' OR "brand" IS NOT NULL),
    CONSTRAINT "stores_radius_positive" CHECK ("delivery_radius_m" > 0),
    CONSTRAINT "stores_revision_positive" CHECK ("revision" > 0)
);

CREATE INDEX "stores_supplier_id_created_at_idx" ON "stores"("supplier_id", "created_at");

-- Who delivers to a point: the GiST index holds each listed store's coverage as a box on
-- earthdistance's sphere, so storesNear asks `box @> ll_to_earth(point)` instead of scanning
-- every store. earthdistance's sphere (6378.168 km) is 0.11% larger than the kit's (6371.0088 km),
-- so the box is widened by 1% and deliveryReach (the kit's sphere, the polygon) has the last word.
-- Both extensions ship with PostgreSQL's contrib and are trusted. schema.prisma cannot describe
-- an expression index, so it lives only here.
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;
CREATE INDEX "stores_coverage_idx" ON "stores" USING gist (earth_box(ll_to_earth("latitude", "longitude"), "delivery_radius_m" * 1.01))
  WHERE "active" AND "latitude" IS NOT NULL AND "longitude" IS NOT NULL;

CREATE TABLE "supplier_licences" (
    "supplier_id" UUID NOT NULL,
    "authorization_number" TEXT NOT NULL,
    "valid_until" DATE NOT NULL,
    "document_id" UUID,
    "approved_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "supplier_licences_pkey" PRIMARY KEY ("supplier_id")
);

CREATE TABLE "saved_address_points" (
    "address_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "saved_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saved_address_points_pkey" PRIMARY KEY ("address_id")
);

-- One default store per supplier that has products.
INSERT INTO "stores" ("id", "supplier_id", "name", "delivery_radius_m", "reseller_type", "minimum_order_cents",
                      "fee_base_cents", "fee_per_km_cents", "preparation_minutes", "active", "updated_at")
SELECT gen_random_uuid(), suppliers."supplier_id", 'Loja principal', 5000, 'INDEPENDENT', 0, 0, 0, 15, false, CURRENT_TIMESTAMP
FROM (SELECT DISTINCT "supplier_id" FROM "products") AS suppliers;

ALTER TABLE "products" ADD COLUMN "store_id" UUID,
  ADD COLUMN "brand" TEXT,
  ADD COLUMN "sale_type" "SaleType" NOT NULL DEFAULT 'REFILL_EXCHANGE';

UPDATE "products" SET "store_id" = "stores"."id", "brand" = 'Sem marca'
FROM "stores" WHERE "stores"."supplier_id" = "products"."supplier_id";

ALTER TABLE "products" ALTER COLUMN "store_id" SET NOT NULL, ALTER COLUMN "brand" SET NOT NULL;
ALTER TABLE "products" ADD CONSTRAINT "products_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "products_store_id_cylinder_type_idx" ON "products"("store_id", "cylinder_type");

-- Every moved product, announced as product.updated in the kit's envelope (kit/src/events/envelope.ts)
-- with the snapshot of subgraphs/products/src/events/product-events.ts; the outbox relay publishes them.
INSERT INTO "outbox_events" ("id", "topic", "key", "envelope")
SELECT p."event_id", 'product.events', p."id"::text, jsonb_build_object(
    'id', p."event_id",
    'type', 'product.updated',
    'source', 'products',
    'time', to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'subject', p."id"::text,
    'schemaVersion', 1,
    'correlationId', 'migration:20261208000000_stores',
    'traceContext', '{}'::jsonb,
    'data', jsonb_build_object(
      'productId', p."id",
      'supplierId', p."supplier_id",
      'name', p."name",
      'cylinderType', p."cylinder_type",
      'priceAmount', p."price_cents",
      'currency', p."currency",
      'stockQuantity', p."stock_quantity",
      'lowStockThreshold', p."low_stock_threshold",
      'active', p."active",
      'storeId', p."store_id",
      'brand', p."brand",
      'saleType', p."sale_type",
      'changed', jsonb_build_array('storeId', 'brand', 'saleType')
    )
  )
FROM (SELECT *, gen_random_uuid() AS "event_id" FROM "products") AS p
ORDER BY p."created_at", p."id";
