-- The kit's tables, in every service database: the transactional outbox (events written in the
-- same transaction as the change that caused them, published in `seq` order by the kit's relay)
-- and the events each consumer has handled (so a redelivered event has no second effect). The
-- kit's migration runner applies this before the service's own migrations; no Prisma schema
-- models these tables, the kit reads and writes them with SQL.
--
-- Idempotent on purpose: databases created before the kit owned these tables got them from their
-- service's init migration, with the same names and shape, and this then changes nothing.

CREATE TABLE IF NOT EXISTS "outbox_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("seq")
);

CREATE TABLE IF NOT EXISTS "processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

CREATE UNIQUE INDEX IF NOT EXISTS "outbox_events_id_key" ON "outbox_events"("id");

-- The relay reads unpublished rows in order.
CREATE INDEX IF NOT EXISTS "outbox_events_published_at_seq_idx" ON "outbox_events"("published_at", "seq");

-- Wake the outbox relay as soon as a transaction with events commits (NOTIFY is delivered at
-- commit, never for a rolled-back transaction).
CREATE OR REPLACE FUNCTION notify_outbox_relay() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_events', '');
  RETURN NULL;
END;
$$;
CREATE OR REPLACE TRIGGER outbox_events_notify AFTER INSERT ON "outbox_events"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_relay();
