-- Catalog search ignores accents and case, as people type on a phone ("botijao" finds
-- "Botijão"), and stays index-backed. Both extensions ship with PostgreSQL's contrib and are
-- trusted, so the database's owner may create them.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent(text) is only STABLE (it reads the dictionary named by search_path), so it cannot be
-- indexed. Naming the dictionary and binding the body at creation (SQL-standard body) makes the
-- result depend on the argument alone, which is what IMMUTABLE promises.
CREATE FUNCTION catalog_search_text(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(unaccent('unaccent'::regdictionary, value));

-- Trigrams serve LIKE '%…%' on the folded name; schema.prisma cannot describe an expression
-- index, so it lives only here.
CREATE INDEX "products_name_search_idx" ON "products" USING gin (catalog_search_text("name") gin_trgm_ops);
