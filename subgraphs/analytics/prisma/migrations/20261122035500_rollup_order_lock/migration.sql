-- Written by hand: a failed payment names no supplier, and its order's first event may be ingested
-- at the same moment in another transaction. Each trigger then saw no row of the other (neither
-- had committed) and the payment counted for the platform only. Both triggers now take a
-- transaction lock on the order first, so the second waits for the first to commit and then, in
-- a fresh snapshot, sees its row.
CREATE OR REPLACE FUNCTION order_facts_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
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
    PERFORM pg_advisory_xact_lock(hashtextextended('analytics-order:' || NEW.order_id::text, 0));
    PERFORM metrics_rollup_add(NEW.supplier_id, p.at, 0, 0, 0, 0, 0, CASE WHEN p.succeeded THEN 1 ELSE 0 END, CASE WHEN p.succeeded THEN 0 ELSE 1 END)
    FROM payment_outcomes p WHERE p.order_id = NEW.order_id AND p.supplier_id IS NULL;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION payment_outcomes_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p payment_outcomes := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  sign INTEGER := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
  succeeded INTEGER := CASE WHEN p.succeeded THEN sign ELSE 0 END;
  failed INTEGER := CASE WHEN p.succeeded THEN 0 ELSE sign END;
  supplier UUID := p.supplier_id;
BEGIN
  IF supplier IS NULL THEN
    -- Locked before looking: an order being written concurrently is seen once it commits.
    PERFORM pg_advisory_xact_lock(hashtextextended('analytics-order:' || p.order_id::text, 0));
    SELECT o.supplier_id INTO supplier FROM order_facts o WHERE o.order_id = p.order_id;
  END IF;
  PERFORM metrics_rollup_add('00000000-0000-0000-0000-000000000000', p.at, 0, 0, 0, 0, 0, succeeded, failed);
  IF supplier IS NOT NULL THEN PERFORM metrics_rollup_add(supplier, p.at, 0, 0, 0, 0, 0, succeeded, failed); END IF;
  RETURN NULL;
END $$;
