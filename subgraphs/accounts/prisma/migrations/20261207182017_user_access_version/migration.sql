-- AlterTable
ALTER TABLE "users" ADD COLUMN     "access_version" INTEGER NOT NULL DEFAULT 0;

