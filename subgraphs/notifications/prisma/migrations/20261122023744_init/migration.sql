-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "NotificationCategory" AS ENUM ('ORDER', 'PAYMENT', 'DELIVERY', 'ACCOUNT', 'MARKETING', 'OPERATIONS');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('IN_APP', 'EMAIL', 'SMS', 'PUSH');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID,
    "address" TEXT,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "recipient_key" TEXT NOT NULL,
    "category" "NotificationCategory" NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_preferences" (
    "user_id" UUID NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "category" "NotificationCategory" NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("user_id","channel","category")
);

-- CreateTable
CREATE TABLE "known_users" (
    "user_id" UUID NOT NULL,
    "roles" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "known_users_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "contacts" (
    "user_id" UUID NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "language_preferences" (
    "user_id" UUID NOT NULL,
    "locale" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "language_preferences_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "notifications_user_id_channel_created_at_id_idx" ON "notifications"("user_id", "channel", "created_at", "id");

-- CreateIndex
CREATE INDEX "notifications_status_next_attempt_at_idx" ON "notifications"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_event_id_recipient_key_channel_key" ON "notifications"("event_id", "recipient_key", "channel");

-- Written by hand: invariants the database enforces whatever the code does.
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_has_recipient" CHECK ("user_id" IS NOT NULL OR "address" IS NOT NULL);
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_attempts_non_negative" CHECK ("attempts" >= 0);
-- A sent notification says when; a pending one says when it is next tried.
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_sent_recorded" CHECK (("status" = 'SENT') = ("sent_at" IS NOT NULL));
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_pending_scheduled" CHECK ("status" <> 'PENDING' OR "next_attempt_at" IS NOT NULL);
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_locale_known" CHECK ("locale" IN ('pt-BR', 'en'));
ALTER TABLE "language_preferences" ADD CONSTRAINT "language_preferences_locale_known" CHECK ("locale" IN ('pt-BR', 'en'));

