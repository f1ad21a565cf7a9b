-- Its outbox_events and processed_events tables (and their NOTIFY trigger) are now the kit's:
-- prisma/outbox/migrations, applied to every service database before its own migrations.
-- AlterTable
ALTER TABLE "products" ADD COLUMN     "low_stock_threshold" INTEGER;


ALTER TABLE "products" ADD CONSTRAINT "products_low_stock_threshold_non_negative" CHECK ("low_stock_threshold" >= 0);
