-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "delivery_notes" TEXT;


-- Checked in orders' input too (docs/orders.md); the database holds the line for any other writer.
ALTER TABLE "orders" ADD CONSTRAINT "orders_delivery_notes_length" CHECK (char_length("delivery_notes") BETWEEN 1 AND 300);
