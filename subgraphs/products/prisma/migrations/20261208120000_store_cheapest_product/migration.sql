-- storesNear asks each store covering a point for its cheapest product of a class and sale type
-- with stock (one LATERAL … ORDER BY price_cents LIMIT 1 per store): this index answers that
-- with the first entry under (store, class, sale type), instead of reading and sorting every
-- product of the store. Only products on sale are in it. schema.prisma cannot describe a
-- partial index, so it lives only here.
CREATE INDEX "products_store_on_sale_price_idx" ON "products" ("store_id", "cylinder_type", "sale_type", "price_cents", "id")
  WHERE "active" AND "stock_quantity" > 0;
