-- A filing's decision stored once per distinct reason set (docs/PERFORMANCE.md "import"): the reason
-- set many loans share — rule ids, cites, ok and applies, the texts with the loan's own values taken
-- out, the programme, version and ratio — goes to decision_templates once, keyed by the SHA-256 of
-- its JSON text; the filing keeps that key and its own values (core/policy splitDecision,
-- fillDecision). The decisions there are split here as the code splits a new one: each reason's
-- text against its message in the policy version the loan was filed under (policy_versions.document),
-- the loan's own placeholders ({actual}, {ref}, {deadline}; {bankShare} and {ratio} of risk
-- sharing) as values, the others kept in the text. A text that does not follow its message is kept
-- whole as one value. Every decision is checked to read back as stored before the column goes.
CREATE TABLE "decision_templates" (
	"key" text PRIMARY KEY NOT NULL,
	"template" json NOT NULL
);
--> statement-breakpoint
ALTER TABLE "filings" ADD COLUMN "decision_key" text;--> statement-breakpoint
ALTER TABLE "filings" ADD COLUMN "decision_values" json;--> statement-breakpoint
-- One text against its message: the template's pieces as JSON, the values found appended to vals
-- (one index per placeholder name and text, shared by the reason's two languages through seen).
CREATE FUNCTION backstop_0034_pieces(t text, m text, own text[], INOUT vals text[], INOUT seen jsonb, OUT pieces text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  lits text[];
  names text[];
  rest text;
  lit text;
  nxt text;
  v text;
  k int;
  idx int;
  out text[] := '{}';
BEGIN
  IF t IS NULL THEN
    RAISE EXCEPTION '0033: a reason without its text';
  END IF;
  IF m IS NOT NULL THEN
    lits := regexp_split_to_array(m, '\{\w+\}');
    names := array(SELECT (regexp_matches(m, '\{(\w+)\}', 'g'))[1]);
    rest := t;
    lit := lits[1];
    IF left(rest, length(lit)) = lit THEN
      rest := substr(rest, length(lit) + 1);
      FOR i IN 1 .. coalesce(array_length(names, 1), 0) LOOP
        nxt := lits[i + 1];
        IF i = array_length(names, 1) THEN
          IF length(rest) < length(nxt) OR right(rest, length(nxt)) <> nxt THEN
            out := NULL;
            EXIT;
          END IF;
          v := left(rest, length(rest) - length(nxt));
          rest := '';
        ELSE
          k := CASE WHEN nxt = '' THEN 0 ELSE strpos(rest, nxt) END;
          IF k = 0 THEN
            out := NULL;
            EXIT;
          END IF;
          v := left(rest, k - 1);
          rest := substr(rest, k + length(nxt));
        END IF;
        IF names[i] = ANY (own) THEN
          idx := (seen ->> (names[i] || chr(1) || v))::int;
          IF idx IS NULL THEN
            vals := vals || v;
            idx := array_length(vals, 1) - 1;
            seen := seen || jsonb_build_object(names[i] || chr(1) || v, idx);
          END IF;
          IF lit <> '' THEN
            out := out || to_json(lit)::text;
          END IF;
          lit := '';
          out := out || idx::text;
        ELSE
          lit := lit || v;
        END IF;
        lit := lit || nxt;
      END LOOP;
      IF out IS NOT NULL AND (coalesce(array_length(names, 1), 0) > 0 OR rest = '') THEN
        IF lit <> '' THEN
          out := out || to_json(lit)::text;
        END IF;
        pieces := '[' || array_to_string(out, ',') || ']';
        RETURN;
      END IF;
    END IF;
  END IF;
  -- Not as its message reads: the whole text is the loan's own.
  vals := vals || t;
  pieces := '[' || (array_length(vals, 1) - 1)::text || ']';
END $$;
--> statement-breakpoint
-- A stored decision split: its template's JSON text (its keys in the order it has them) and its values.
CREATE FUNCTION backstop_0034_split(d json, doc jsonb, OUT template text, OUT vals text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  r json;
  rule text;
  msg jsonb;
  own text[];
  v text[] := '{}';
  seen jsonb;
  pz text;
  pe text;
  reasons text[] := '{}';
BEGIN
  FOR r IN SELECT value FROM json_array_elements(d -> 'reasons') WITH ORDINALITY AS x(value, n) ORDER BY n LOOP
    rule := r ->> 'rule';
    own := '{actual,ref,deadline}';
    IF rule = 'base-ratio' THEN
      msg := doc #> '{compensation,base,message}';
      own := '{}';
    ELSIF rule = 'risk-sharing-share' THEN
      msg := doc #> '{compensation,riskSharing,message}';
      own := '{bankShare,ratio}';
    ELSE
      msg := coalesce(
        (SELECT e -> 'message' FROM jsonb_array_elements(doc -> 'eligibility') e WHERE e ->> 'id' = rule LIMIT 1),
        (SELECT e -> 'message' FROM jsonb_array_elements(doc #> '{compensation,uplifts}') e WHERE e ->> 'id' = rule LIMIT 1)
      );
    END IF;
    seen := '{}';
    SELECT p.vals, p.seen, p.pieces INTO v, seen, pz FROM backstop_0034_pieces(r ->> 'zh', msg ->> 'zh', own, v, seen) p;
    SELECT p.vals, p.seen, p.pieces INTO v, seen, pe FROM backstop_0034_pieces(r ->> 'en', msg ->> 'en', own, v, seen) p;
    reasons := reasons || ('{' || (
      SELECT string_agg(to_json(x.key)::text || ':' || CASE x.key WHEN 'zh' THEN pz WHEN 'en' THEN pe ELSE x.value::text END, ',' ORDER BY x.n)
      FROM json_each(r) WITH ORDINALITY AS x(key, value, n)
    ) || '}');
  END LOOP;
  template := '{' || (
    SELECT string_agg(to_json(x.key)::text || ':' || CASE WHEN x.key = 'reasons' THEN '[' || array_to_string(reasons, ',') || ']' ELSE x.value::text END, ',' ORDER BY x.n)
    FROM json_each(d) WITH ORDINALITY AS x(key, value, n)
  ) || '}';
  vals := array_to_json(v)::text;
END $$;
--> statement-breakpoint
-- A template filled with its values (core/policy fillDecision), to check the split against the decision.
CREATE FUNCTION backstop_0034_fill(tpl json, vals json) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_object_agg(x.key, CASE WHEN x.key = 'reasons' THEN (
    SELECT jsonb_agg((
      SELECT jsonb_object_agg(y.key, CASE WHEN y.key IN ('zh', 'en') THEN to_jsonb(coalesce((
        SELECT string_agg(CASE json_typeof(p.value) WHEN 'number' THEN vals ->> (p.value::text)::int ELSE p.value #>> '{}' END, '' ORDER BY p.n)
        FROM json_array_elements(y.value) WITH ORDINALITY AS p(value, n)), '')) ELSE y.value::jsonb END)
      FROM json_each(r.value) AS y(key, value)) ORDER BY r.n)
    FROM json_array_elements(x.value) WITH ORDINALITY AS r(value, n)) ELSE x.value::jsonb END)
  FROM json_each(tpl) AS x(key, value)
$$;
--> statement-breakpoint
CREATE TEMP TABLE backstop_0034_split ON COMMIT DROP AS
  SELECT f.id, encode(sha256(convert_to(s.template, 'UTF8')), 'hex') AS key, s.template, s.vals
  FROM filings f JOIN policy_versions pv ON pv.id = f.policy_version_id, LATERAL backstop_0034_split(f.decision, pv.document) s;
--> statement-breakpoint
DO $$ BEGIN
  IF (SELECT count(*) FROM backstop_0034_split) <> (SELECT count(*) FROM filings) THEN
    RAISE EXCEPTION '0033: a filing without its policy version';
  END IF;
  IF EXISTS (SELECT 1 FROM backstop_0034_split s JOIN filings f ON f.id = s.id
      WHERE backstop_0034_fill(s.template::json, s.vals::json) IS DISTINCT FROM f.decision::jsonb) THEN
    RAISE EXCEPTION '0033: a decision does not read back as stored';
  END IF;
END $$;
--> statement-breakpoint
INSERT INTO decision_templates (key, template)
  SELECT DISTINCT ON (key) key, template::json FROM backstop_0034_split ORDER BY key
  ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint
UPDATE filings f SET decision_key = s.key, decision_values = s.vals::json FROM backstop_0034_split s WHERE s.id = f.id;
--> statement-breakpoint
DROP TABLE backstop_0034_split;--> statement-breakpoint
DROP FUNCTION backstop_0034_fill(json, json);--> statement-breakpoint
DROP FUNCTION backstop_0034_split(json, jsonb);--> statement-breakpoint
DROP FUNCTION backstop_0034_pieces(text, text, text[], text[], jsonb);--> statement-breakpoint
ALTER TABLE "filings" ALTER COLUMN "decision_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "filings" ALTER COLUMN "decision_values" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "filings" DROP COLUMN "decision";
