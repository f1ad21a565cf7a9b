-- Its outbox_events and processed_events tables (and their NOTIFY trigger) are now the kit's:
-- prisma/outbox/migrations, applied to every service database before its own migrations.
-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3);
