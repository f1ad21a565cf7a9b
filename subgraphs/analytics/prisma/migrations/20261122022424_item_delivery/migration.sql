-- AlterTable
ALTER TABLE "order_item_facts" ADD COLUMN     "delivered_at" TIMESTAMPTZ(3),
ADD COLUMN     "supplier_id" UUID;


-- Written by hand: fill the copies for lines ingested before this migration, and cover the
-- top-products query (lines delivered in a range, optionally of one supplier) with indexes.
UPDATE "order_item_facts" i SET "supplier_id" = o."supplier_id", "delivered_at" = o."delivered_at"
  FROM "order_facts" o WHERE o."order_id" = i."order_id";
CREATE INDEX "order_item_facts_delivered_cover" ON "order_item_facts" ("delivered_at") INCLUDE ("product_id", "quantity", "line_total_amount", "supplier_id") WHERE "delivered_at" IS NOT NULL;
CREATE INDEX "order_item_facts_supplier_delivered_cover" ON "order_item_facts" ("supplier_id", "delivered_at") INCLUDE ("product_id", "quantity", "line_total_amount") WHERE "delivered_at" IS NOT NULL;
