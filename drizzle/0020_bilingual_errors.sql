-- One bilingual shape, `{ zh, en }`, wherever a text is kept in two languages (src/core/text.ts),
-- and a stable code on every field error (docs/API.md "Error codes"). What is stored in the old
-- shape is rewritten so that an existing database reads as a new one would:
--  * a filing's decision (json): its reasons' `message` (Chinese) and `messageEn` become `zh` and
--    `en`. Renamed in the text as stored, in place, nothing else touched: the new text is exactly
--    what the new code writes for the same reasons, and a `filing.create` audit row's
--    decisionSha256 of a filing filed before this migration is the digest of the text with the
--    two keys named back (docs/OPERATIONS.md shows the query);
--  * a claim's reasons (jsonb): the same two keys;
--  * import_errors: `message` and `message_en` become `zh` and `en`, with the row's `code`;
--  * idempotency_keys: a stored answer (replayed for 30 days) gets the new shape throughout —
--    reasons as above, field errors `{ field, code, zh, en }`, a problem's `detailZh` and errors.
-- A field error stored before codes existed gets the code of what it says (backstop_0020_code).
-- The audit log keeps what it recorded, old keys included: its rows are hash-chained.
-- Idempotent: every step changes only what is still in the old shape.

-- The code of a field error written before codes existed, from its field and English message.
CREATE OR REPLACE FUNCTION backstop_0020_code(p_field text, p_en text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_field LIKE 'rule:%' THEN 'filing.refused_by_rule'
    WHEN p_en = 'is filed already' THEN 'filing.filed_already'
    WHEN p_en LIKE 'appears again in this file%' THEN 'import.duplicate_in_file'
    WHEN p_en = 'no registered enterprise has it; register the enterprise first' THEN 'filing.enterprise_not_registered'
    WHEN p_en = 'is required' OR p_en LIKE '%received undefined' THEN 'request.required'
    ELSE 'request.invalid'
  END
$$;--> statement-breakpoint

-- Any JSON in the new shape: reasons { …, zh, en }, field errors { field, code, zh, en }, problems with detailZh and errors.
CREATE OR REPLACE FUNCTION backstop_0020_reshape(j jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  out jsonb;
BEGIN
  IF jsonb_typeof(j) = 'array' THEN
    SELECT coalesce(jsonb_agg(backstop_0020_reshape(e) ORDER BY i), '[]'::jsonb) INTO out
      FROM jsonb_array_elements(j) WITH ORDINALITY AS a(e, i);
    RETURN out;
  END IF;
  IF jsonb_typeof(j) <> 'object' THEN
    RETURN j;
  END IF;
  IF j ? 'messageEn' AND j ? 'message' THEN
    j := (j - 'message' - 'messageEn') || jsonb_build_object('zh', j -> 'message', 'en', j -> 'messageEn');
  ELSIF j ? 'field' AND jsonb_typeof(j -> 'message') = 'string' THEN
    j := (j - 'message' - 'messageZh') || jsonb_build_object(
      'code', coalesce(j -> 'code', to_jsonb(backstop_0020_code(j ->> 'field', j ->> 'message'))),
      'zh', coalesce(j -> 'messageZh', j -> 'message'),
      'en', j -> 'message');
  ELSIF j ? 'type' AND j ? 'title' AND j ? 'status' THEN
    IF NOT j ? 'detail' THEN
      j := j || jsonb_build_object('detail', j -> 'title');
    END IF;
    IF NOT j ? 'detailZh' THEN
      j := j || jsonb_build_object('detailZh', j -> 'detail');
    END IF;
    IF NOT j ? 'errors' THEN
      j := j || jsonb_build_object('errors', jsonb_build_array(jsonb_build_object(
        'field', '(request)',
        'code', CASE (j ->> 'status')
          WHEN '401' THEN 'auth.unauthenticated'
          WHEN '403' THEN 'auth.forbidden'
          WHEN '404' THEN 'request.not_found'
          WHEN '429' THEN 'auth.rate_limited'
          ELSE 'request.invalid' END,
        'zh', j -> 'detailZh',
        'en', j -> 'detail')));
    END IF;
  END IF;
  SELECT coalesce(jsonb_object_agg(key, backstop_0020_reshape(value)), '{}'::jsonb) INTO out FROM jsonb_each(j);
  RETURN out;
END
$$;--> statement-breakpoint

-- Filings: the two keys renamed in the stored text (see above). A key is `"…":` after `{` or `,`
-- (and, in decisions converted from jsonb before drizzle/0011, a space); inside a string a quote is escaped.
UPDATE filings
   SET decision = regexp_replace(
         regexp_replace(decision::text, '([{,]\s*)"messageEn"(\s*):', '\1"en"\2:', 'g'),
         '([{,]\s*)"message"(\s*):', '\1"zh"\2:', 'g')::json
 WHERE decision::text LIKE '%"messageEn"%';--> statement-breakpoint

UPDATE claims SET reasons = backstop_0020_reshape(reasons) WHERE reasons::text LIKE '%"messageEn"%';--> statement-breakpoint

DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'import_errors' AND column_name = 'message_en') THEN
    ALTER TABLE import_errors RENAME COLUMN message TO zh;
    ALTER TABLE import_errors RENAME COLUMN message_en TO en;
    ALTER TABLE import_errors ADD COLUMN code text;
    UPDATE import_errors SET code = backstop_0020_code("column", en);
    ALTER TABLE import_errors ALTER COLUMN code SET NOT NULL;
  END IF;
END $$;--> statement-breakpoint

UPDATE idempotency_keys
   SET body = backstop_0020_reshape(body::jsonb)::text
 WHERE body IS NOT NULL
   AND content_type LIKE '%json%'
   AND (body LIKE '%"message%' OR (status >= 400 AND body NOT LIKE '%"detailZh"%'));--> statement-breakpoint

DROP FUNCTION backstop_0020_reshape(jsonb);--> statement-breakpoint
DROP FUNCTION backstop_0020_code(text, text);
