-- Stores (issue 17): DELIVERY_LATE judges an order by the time its customer was promised, and
-- STORE_NOT_ANSWERING counts, per store, the orders cancelled because the store did not answer.
-- Orders watched before this keep no promise and no store: the window rule still judges them.
ALTER TYPE "AlertRuleKind" ADD VALUE 'STORE_NOT_ANSWERING';

ALTER TABLE "order_watch" ADD COLUMN "promised_by" TIMESTAMPTZ(3),
ADD COLUMN "store_id" UUID,
ADD COLUMN "unanswered" BOOLEAN NOT NULL DEFAULT false;

CREATE INDEX "order_watch_promised_by_idx" ON "order_watch"("promised_by");
CREATE INDEX "order_watch_cancelled_at_idx" ON "order_watch"("cancelled_at");
