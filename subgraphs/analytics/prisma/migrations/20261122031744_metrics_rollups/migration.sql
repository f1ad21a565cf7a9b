-- CreateTable
CREATE TABLE "metrics_minute_rollups" (
    "supplier_id" UUID NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "orders_placed" INTEGER NOT NULL DEFAULT 0,
    "orders_delivered" INTEGER NOT NULL DEFAULT 0,
    "gmv" BIGINT NOT NULL DEFAULT 0,
    "delivery_ms_sum" BIGINT NOT NULL DEFAULT 0,
    "delivery_count" INTEGER NOT NULL DEFAULT 0,
    "payments_succeeded" INTEGER NOT NULL DEFAULT 0,
    "payments_failed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metrics_minute_rollups_pkey" PRIMARY KEY ("supplier_id","bucket")
);


-- Written by hand: the rollups are kept by triggers, in the transaction that changes a fact row.
-- A trigger sees the row before and after the change, so it adds exactly the difference: the
-- ingest consumer's first-write-wins upserts (coalesce(old, new)) leave a replayed or duplicated
-- event's row unchanged, and an unchanged row adds nothing. Every change is applied twice: to
-- the order's supplier and to the platform row (the nil uuid).

-- Adds one minute's figures to one row (negative figures take a contribution back).
CREATE FUNCTION metrics_rollup_add(p_supplier UUID, p_at TIMESTAMPTZ, p_placed INTEGER, p_delivered INTEGER, p_gmv BIGINT,
                                   p_delivery_ms BIGINT, p_delivery_count INTEGER, p_succeeded INTEGER, p_failed INTEGER)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO metrics_minute_rollups AS r (supplier_id, bucket, orders_placed, orders_delivered, gmv, delivery_ms_sum, delivery_count, payments_succeeded, payments_failed)
  VALUES (p_supplier, date_bin('1 minute', p_at, '2000-01-01T00:00:00Z'), p_placed, p_delivered, p_gmv, p_delivery_ms, p_delivery_count, p_succeeded, p_failed)
  ON CONFLICT (supplier_id, bucket) DO UPDATE SET
    orders_placed = r.orders_placed + excluded.orders_placed,
    orders_delivered = r.orders_delivered + excluded.orders_delivered,
    gmv = r.gmv + excluded.gmv,
    delivery_ms_sum = r.delivery_ms_sum + excluded.delivery_ms_sum,
    delivery_count = r.delivery_count + excluded.delivery_count,
    payments_succeeded = r.payments_succeeded + excluded.payments_succeeded,
    payments_failed = r.payments_failed + excluded.payments_failed
$$;

-- What one order_facts row contributes (times sign), to its supplier and to the platform.
CREATE FUNCTION metrics_rollup_order(o order_facts, sign INTEGER, placed BOOLEAN, delivered BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  delivery_ms BIGINT := CASE WHEN o.confirmed_at IS NULL THEN 0 ELSE round(extract(epoch FROM o.delivered_at - o.confirmed_at) * 1000)::BIGINT END;
  counted INTEGER := CASE WHEN o.confirmed_at IS NULL THEN 0 ELSE 1 END;
  target UUID;
BEGIN
  FOREACH target IN ARRAY ARRAY[o.supplier_id, '00000000-0000-0000-0000-000000000000'::UUID] LOOP
    IF placed AND o.placed_at IS NOT NULL THEN
      PERFORM metrics_rollup_add(target, o.placed_at, sign, 0, 0, 0, 0, 0, 0);
    END IF;
    IF delivered AND o.delivered_at IS NOT NULL THEN
      PERFORM metrics_rollup_add(target, o.delivered_at, 0, sign, sign * coalesce(o.total_amount, 0)::BIGINT, sign * delivery_ms, sign * counted, 0, 0);
    END IF;
  END LOOP;
END $$;

CREATE FUNCTION order_facts_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  placed_changed BOOLEAN := TG_OP <> 'UPDATE' OR (OLD.placed_at, OLD.supplier_id) IS DISTINCT FROM (NEW.placed_at, NEW.supplier_id);
  delivered_changed BOOLEAN := TG_OP <> 'UPDATE'
    OR (OLD.delivered_at, OLD.confirmed_at, OLD.total_amount, OLD.supplier_id) IS DISTINCT FROM (NEW.delivered_at, NEW.confirmed_at, NEW.total_amount, NEW.supplier_id);
BEGIN
  IF NOT (placed_changed OR delivered_changed) THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM metrics_rollup_order(OLD, -1, placed_changed, delivered_changed); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM metrics_rollup_order(NEW, 1, placed_changed, delivered_changed); END IF;
  -- A failed payment names no supplier: seen before its order, it counted for the platform only;
  -- now the order tells whose it was.
  IF TG_OP = 'INSERT' THEN
    PERFORM metrics_rollup_add(NEW.supplier_id, p.at, 0, 0, 0, 0, 0, CASE WHEN p.succeeded THEN 1 ELSE 0 END, CASE WHEN p.succeeded THEN 0 ELSE 1 END)
    FROM payment_outcomes p WHERE p.order_id = NEW.order_id AND p.supplier_id IS NULL;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER order_facts_rollup AFTER INSERT OR UPDATE OR DELETE ON order_facts FOR EACH ROW EXECUTE FUNCTION order_facts_rollup();

CREATE FUNCTION payment_outcomes_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p payment_outcomes := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  sign INTEGER := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
  supplier UUID := coalesce(p.supplier_id, (SELECT o.supplier_id FROM order_facts o WHERE o.order_id = p.order_id));
  succeeded INTEGER := CASE WHEN p.succeeded THEN sign ELSE 0 END;
  failed INTEGER := CASE WHEN p.succeeded THEN 0 ELSE sign END;
BEGIN
  PERFORM metrics_rollup_add('00000000-0000-0000-0000-000000000000', p.at, 0, 0, 0, 0, 0, succeeded, failed);
  IF supplier IS NOT NULL THEN PERFORM metrics_rollup_add(supplier, p.at, 0, 0, 0, 0, 0, succeeded, failed); END IF;
  RETURN NULL;
END $$;

-- payment_outcomes rows are only ever inserted (ON CONFLICT DO NOTHING fires no trigger).
CREATE TRIGGER payment_outcomes_rollup AFTER INSERT OR DELETE ON payment_outcomes FOR EACH ROW EXECUTE FUNCTION payment_outcomes_rollup();

-- Recomputes every rollup from the facts: run here for the facts ingested before this
-- migration, and by the bench after it fills the fact tables directly (with the triggers off).
CREATE FUNCTION rebuild_metrics_rollups() RETURNS void LANGUAGE sql AS $$
  DELETE FROM metrics_minute_rollups;
  INSERT INTO metrics_minute_rollups (supplier_id, bucket, orders_placed, orders_delivered, gmv, delivery_ms_sum, delivery_count, payments_succeeded, payments_failed)
  SELECT CASE WHEN grouping(f.supplier_id) = 1 THEN '00000000-0000-0000-0000-000000000000'::UUID ELSE f.supplier_id END, f.bucket,
         sum(f.placed), sum(f.delivered), sum(f.gmv), sum(f.delivery_ms), sum(f.delivery_count), sum(f.succeeded), sum(f.failed)
  FROM (
    SELECT supplier_id, date_bin('1 minute', placed_at, '2000-01-01T00:00:00Z') AS bucket, 1 AS placed, 0 AS delivered, 0::BIGINT AS gmv,
           0::BIGINT AS delivery_ms, 0 AS delivery_count, 0 AS succeeded, 0 AS failed
    FROM order_facts WHERE placed_at IS NOT NULL
    UNION ALL
    SELECT supplier_id, date_bin('1 minute', delivered_at, '2000-01-01T00:00:00Z'), 0, 1, coalesce(total_amount, 0)::BIGINT,
           CASE WHEN confirmed_at IS NULL THEN 0 ELSE round(extract(epoch FROM delivered_at - confirmed_at) * 1000)::BIGINT END,
           CASE WHEN confirmed_at IS NULL THEN 0 ELSE 1 END, 0, 0
    FROM order_facts WHERE delivered_at IS NOT NULL
    UNION ALL
    SELECT coalesce(p.supplier_id, o.supplier_id), date_bin('1 minute', p.at, '2000-01-01T00:00:00Z'), 0, 0, 0, 0, 0,
           CASE WHEN p.succeeded THEN 1 ELSE 0 END, CASE WHEN p.succeeded THEN 0 ELSE 1 END
    FROM payment_outcomes p LEFT JOIN order_facts o ON o.order_id = p.order_id
  ) f
  GROUP BY GROUPING SETS ((f.supplier_id, f.bucket), (f.bucket))
  HAVING grouping(f.supplier_id) = 1 OR f.supplier_id IS NOT NULL;
$$;

SELECT rebuild_metrics_rollups();
