-- Search that finds (issue 18): pg_trgm for any part of an enterprise's name (PGlite loads the
-- extension's bundle at open, src/adapters/db/extensions.ts; PostgreSQL ships it in contrib, and
-- since PostgreSQL 13 a database owner may create it), pattern indexes for the beginnings of
-- contract numbers and credit codes (LIKE 'x%' cannot use a plain btree outside the C collation),
-- and readable claim numbers: BP-<year>-<sequence>, per year of the claim's business date.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "claim_number_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "number" text;
--> statement-breakpoint
-- The claims there are get their numbers by creation order within each year.
UPDATE "claims" c SET "number" = n.number FROM (
  SELECT id, 'BP-' || y || '-' || lpad(s::text, greatest(6, length(s::text)), '0') AS number FROM (
    SELECT id, extract(year FROM submitted_on)::int AS y,
      row_number() OVER (PARTITION BY extract(year FROM submitted_on) ORDER BY submitted_at, id) AS s
    FROM "claims"
  ) t
) n WHERE n.id = c.id;
--> statement-breakpoint
INSERT INTO "claim_number_years" (year, last)
  SELECT extract(year FROM submitted_on)::int, count(*)::int FROM "claims" GROUP BY 1;
--> statement-breakpoint
ALTER TABLE "claims" ALTER COLUMN "number" SET DEFAULT null;
--> statement-breakpoint
ALTER TABLE "claims" ALTER COLUMN "number" SET NOT NULL;
--> statement-breakpoint
-- Every new claim takes the next number of its year, whoever inserts it. The upsert's row lock
-- orders concurrent submissions of one year; the number is given inside the inserting transaction,
-- so a rolled-back claim gives its number back (no gaps).
CREATE FUNCTION backstop_claim_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  y int := extract(year FROM NEW.submitted_on)::int;
  n int;
BEGIN
  IF NEW.number IS NULL THEN
    INSERT INTO claim_number_years AS c (year, last) VALUES (y, 1)
      ON CONFLICT (year) DO UPDATE SET last = c.last + 1
      RETURNING c.last INTO n;
    NEW.number := 'BP-' || y || '-' || lpad(n::text, greatest(6, length(n::text)), '0');
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER claims_number BEFORE INSERT ON claims FOR EACH ROW EXECUTE FUNCTION backstop_claim_number();
--> statement-breakpoint
CREATE UNIQUE INDEX "claims_number_uq" ON "claims" USING btree ("number");
--> statement-breakpoint
CREATE INDEX "claims_submitted_ix" ON "claims" USING btree ("submitted_at","id");
--> statement-breakpoint
CREATE INDEX "filings_bank_ref_prefix_ix" ON "filings" USING btree ("bank_ref" text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "enterprises_name_trgm_ix" ON "enterprises" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "enterprises_credit_code_prefix_ix" ON "enterprises" USING btree ("credit_code" text_pattern_ops);
