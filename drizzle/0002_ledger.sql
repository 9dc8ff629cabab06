-- The ledger (DESIGN.md "Money and the ledger"), in the spirit of TigerBeetle: accounts hold running
-- totals; transfers are immutable, one debit and one credit, idempotent by a client-chosen id; a
-- pending transfer is posted or voided at most once; linked transfers succeed or fail together;
-- limits are enforced here, in one function per batch that locks accounts in a fixed order and
-- only ever adds to balances. Only src/modules/ledger calls it.
CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,
  ledger text NOT NULL CHECK (ledger IN ('liability', 'cny')),
  code text NOT NULL,
  -- 1: debits must not exceed credits; 2: credits must not exceed debits
  flags integer NOT NULL DEFAULT 0 CHECK (flags BETWEEN 0 AND 3),
  fund_id text,
  entity_kind text,
  entity_id text,
  debits_pending bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  version bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX ledger_accounts_fund_ix ON ledger_accounts (fund_id, code);
--> statement-breakpoint
CREATE TABLE ledger_transfers (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('single', 'pending', 'post', 'void')),
  debit_account_id text NOT NULL REFERENCES ledger_accounts (id),
  credit_account_id text NOT NULL REFERENCES ledger_accounts (id),
  amount bigint NOT NULL CHECK (amount >= 0),
  ledger text NOT NULL,
  code text NOT NULL,
  pending_id text REFERENCES ledger_transfers (id),
  entity_kind text,
  entity_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((kind IN ('post', 'void')) = (pending_id IS NOT NULL)),
  CHECK (kind IN ('void', 'post') OR amount > 0)
);
--> statement-breakpoint
-- A pending transfer resolves at most once: a constraint, not only a check in code.
CREATE UNIQUE INDEX ledger_transfers_pending_once_uq ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX ledger_transfers_entity_ix ON ledger_transfers (entity_kind, entity_id);
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_immutable BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION backstop_refuse_change();
--> statement-breakpoint
-- An id that failed stays failed (with the content it failed with).
CREATE TABLE ledger_failed_transfers (
  id text PRIMARY KEY,
  result text NOT NULL,
  content jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
-- Balance after each transfer, per account, gap-free by version.
CREATE TABLE ledger_balances (
  account_id text NOT NULL REFERENCES ledger_accounts (id),
  version bigint NOT NULL,
  transfer_id text NOT NULL REFERENCES ledger_transfers (id),
  debits_pending bigint NOT NULL,
  debits_posted bigint NOT NULL,
  credits_pending bigint NOT NULL,
  credits_posted bigint NOT NULL,
  PRIMARY KEY (account_id, version)
);
--> statement-breakpoint
CREATE TRIGGER ledger_balances_immutable BEFORE UPDATE OR DELETE ON ledger_balances
  FOR EACH ROW EXECUTE FUNCTION backstop_refuse_change();
--> statement-breakpoint
-- Append-only, hash-chained audit log: each row carries the previous row's hash and its own.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  entity_kind text NOT NULL,
  entity_id text NOT NULL,
  before jsonb,
  after jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION backstop_refuse_change();
--> statement-breakpoint
CREATE FUNCTION audit_row_hash(p_seq bigint, p_at timestamptz, p_actor text, p_action text, p_kind text, p_id text, p_before jsonb, p_after jsonb, p_prev text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f', p_seq::text, to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), p_actor, p_action, p_kind, p_id,
    coalesce(p_before::text, ''), coalesce(p_after::text, ''), p_prev), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- Appends serialise on a transaction-scoped advisory lock, so the chain never forks.
CREATE FUNCTION audit_append(p_actor text, p_action text, p_kind text, p_id text, p_before jsonb, p_after jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_prev text;
  v_seq bigint;
  v_at timestamptz := now();
BEGIN
  PERFORM pg_advisory_xact_lock(7260001);
  SELECT seq, hash INTO v_seq, v_prev FROM audit_log ORDER BY seq DESC LIMIT 1;
  v_seq := coalesce(v_seq, 0) + 1;
  v_prev := coalesce(v_prev, repeat('0', 64));
  INSERT INTO audit_log (seq, at, actor, action, entity_kind, entity_id, before, after, prev_hash, hash)
  VALUES (v_seq, v_at, p_actor, p_action, p_kind, p_id, p_before, p_after, v_prev,
          audit_row_hash(v_seq, v_at, p_actor, p_action, p_kind, p_id, p_before, p_after, v_prev));
  RETURN v_seq;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION ledger_add(p_account text, p_dp bigint, p_dpo bigint, p_cp bigint, p_cpo bigint, p_transfer text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a ledger_accounts%ROWTYPE;
BEGIN
  -- Guarded increments: the limit is checked in the same statement that adds.
  UPDATE ledger_accounts SET
    debits_pending = debits_pending + p_dp, debits_posted = debits_posted + p_dpo,
    credits_pending = credits_pending + p_cp, credits_posted = credits_posted + p_cpo,
    version = version + 1
  WHERE id = p_account
    AND ((flags & 1) = 0 OR debits_pending + p_dp + debits_posted + p_dpo <= credits_posted + p_cpo)
    AND ((flags & 2) = 0 OR credits_pending + p_cp + credits_posted + p_cpo <= debits_posted + p_dpo)
  RETURNING * INTO a;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM ledger_accounts WHERE id = p_account AND (flags & 1) <> 0) AND (p_dp + p_dpo) > 0 THEN
      RAISE EXCEPTION 'exceeds_credits' USING ERRCODE = 'P0001';
    END IF;
    RAISE EXCEPTION 'exceeds_debits' USING ERRCODE = 'P0001';
  END IF;
  INSERT INTO ledger_balances VALUES (a.id, a.version, p_transfer, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted);
END;
$$;
--> statement-breakpoint
-- One batch: transfers as a JSON array of {id, kind, debit, credit, amount, code, pendingId, linked,
-- entityKind, entityId}. `linked: true` chains a transfer to the next: the chain succeeds or fails
-- whole. Returns one result per transfer: ok, exists, or the reason it failed.
CREATE FUNCTION ledger_apply(p_batch jsonb, p_actor text DEFAULT 'system')
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_results jsonb := '[]'::jsonb;
  v_ids text[];
  v_n int := jsonb_array_length(p_batch);
  v_i int := 0;
  v_start int;
  v_end int;
  v_j int;
  v_t jsonb;
  v_chain_results jsonb;
  v_r text;
  v_failed_at int;
  v_failed_reason text;
BEGIN
  -- Lock every account the batch touches, in id order, before changing any.
  SELECT array_agg(DISTINCT acc ORDER BY acc) INTO v_ids FROM (
    SELECT t->>'debit' AS acc FROM jsonb_array_elements(p_batch) t WHERE t->>'debit' IS NOT NULL
    UNION SELECT t->>'credit' FROM jsonb_array_elements(p_batch) t WHERE t->>'credit' IS NOT NULL
    UNION SELECT x.debit_account_id FROM ledger_transfers x JOIN jsonb_array_elements(p_batch) t ON x.id = t->>'pendingId'
    UNION SELECT x.credit_account_id FROM ledger_transfers x JOIN jsonb_array_elements(p_batch) t ON x.id = t->>'pendingId'
  ) s;
  PERFORM 1 FROM ledger_accounts WHERE id = ANY (coalesce(v_ids, '{}')) ORDER BY id FOR UPDATE;

  WHILE v_i < v_n LOOP
    v_start := v_i;
    WHILE v_i < v_n - 1 AND coalesce((p_batch->v_i->>'linked')::boolean, false) LOOP v_i := v_i + 1; END LOOP;
    v_end := v_i;
    v_i := v_i + 1;
    IF coalesce((p_batch->v_end->>'linked')::boolean, false) THEN
      -- A chain left open at the end of the batch fails whole.
      FOR v_j IN v_start..v_end LOOP
        v_results := v_results || jsonb_build_array(CASE WHEN v_j = v_end THEN 'linked_event_chain_open' ELSE 'linked_event_failed' END);
      END LOOP;
      CONTINUE;
    END IF;
    v_chain_results := '[]'::jsonb;
    v_failed_at := NULL;
    BEGIN
      FOR v_j IN v_start..v_end LOOP
        v_t := p_batch->v_j;
        v_r := ledger_apply_one(v_t);
        IF v_r NOT IN ('ok', 'exists') THEN
          v_failed_at := v_j;
          v_failed_reason := v_r;
          RAISE EXCEPTION 'chain failed' USING ERRCODE = 'P0002';
        END IF;
        v_chain_results := v_chain_results || jsonb_build_array(v_r);
      END LOOP;
    EXCEPTION WHEN SQLSTATE 'P0002' THEN
      v_chain_results := '[]'::jsonb;
      FOR v_j IN v_start..v_end LOOP
        v_chain_results := v_chain_results || jsonb_build_array(CASE WHEN v_j = v_failed_at THEN v_failed_reason ELSE 'linked_event_failed' END);
      END LOOP;
    END;
    -- Failed ids stay failed (outside the rolled-back chain).
    FOR v_j IN v_start..v_end LOOP
      v_r := v_chain_results->>(v_j - v_start);
      IF v_r NOT IN ('ok', 'exists') AND v_r NOT LIKE 'exists_with_different_%' AND v_r <> 'id_already_failed' THEN
        INSERT INTO ledger_failed_transfers (id, result, content) VALUES (p_batch->v_j->>'id', v_r, p_batch->v_j) ON CONFLICT (id) DO NOTHING;
      END IF;
    END LOOP;
    v_results := v_results || v_chain_results;
  END LOOP;
  IF v_results @> '["ok"]'::jsonb THEN
    PERFORM audit_append(p_actor, 'ledger.batch', 'ledger', coalesce(p_batch->0->>'id', ''), NULL,
      jsonb_build_object('transfers', p_batch, 'results', v_results));
  END IF;
  RETURN v_results;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION ledger_apply_one(t jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_id text := t->>'id';
  v_kind text := coalesce(t->>'kind', 'single');
  v_amount bigint := coalesce((t->>'amount')::bigint, 0);
  v_existing ledger_transfers%ROWTYPE;
  v_pending ledger_transfers%ROWTYPE;
  v_debit ledger_accounts%ROWTYPE;
  v_credit ledger_accounts%ROWTYPE;
BEGIN
  IF v_id IS NULL OR v_id = '' THEN RETURN 'id_must_not_be_empty'; END IF;
  SELECT * INTO v_existing FROM ledger_transfers WHERE id = v_id;
  IF FOUND THEN
    IF v_existing.kind <> v_kind THEN RETURN 'exists_with_different_kind'; END IF;
    IF v_kind IN ('single', 'pending') AND (v_existing.debit_account_id <> t->>'debit' OR v_existing.credit_account_id <> t->>'credit') THEN RETURN 'exists_with_different_accounts'; END IF;
    IF v_existing.amount <> v_amount AND NOT (v_kind IN ('post', 'void') AND v_amount = 0) THEN RETURN 'exists_with_different_amount'; END IF;
    IF v_existing.code <> coalesce(t->>'code', '') AND v_kind IN ('single', 'pending') THEN RETURN 'exists_with_different_code'; END IF;
    IF v_existing.pending_id IS DISTINCT FROM t->>'pendingId' THEN RETURN 'exists_with_different_pending_id'; END IF;
    RETURN 'exists';
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_failed_transfers WHERE id = v_id) THEN RETURN 'id_already_failed'; END IF;
  IF v_amount < 0 THEN RETURN 'amount_must_not_be_negative'; END IF;

  IF v_kind IN ('single', 'pending') THEN
    IF v_amount = 0 THEN RETURN 'amount_must_not_be_zero'; END IF;
    IF t->>'debit' = t->>'credit' THEN RETURN 'accounts_must_be_different'; END IF;
    SELECT * INTO v_debit FROM ledger_accounts WHERE id = t->>'debit';
    IF NOT FOUND THEN RETURN 'debit_account_not_found'; END IF;
    SELECT * INTO v_credit FROM ledger_accounts WHERE id = t->>'credit';
    IF NOT FOUND THEN RETURN 'credit_account_not_found'; END IF;
    IF v_debit.ledger <> v_credit.ledger THEN RETURN 'accounts_must_have_the_same_ledger'; END IF;
    INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, entity_kind, entity_id)
    VALUES (v_id, v_kind, v_debit.id, v_credit.id, v_amount, v_debit.ledger, coalesce(t->>'code', ''), t->>'entityKind', t->>'entityId');
    BEGIN
      IF v_kind = 'single' THEN
        PERFORM ledger_add(v_debit.id, 0, v_amount, 0, 0, v_id);
        PERFORM ledger_add(v_credit.id, 0, 0, 0, v_amount, v_id);
      ELSE
        PERFORM ledger_add(v_debit.id, v_amount, 0, 0, 0, v_id);
        PERFORM ledger_add(v_credit.id, 0, 0, v_amount, 0, v_id);
      END IF;
    EXCEPTION WHEN SQLSTATE 'P0001' THEN
      RETURN SQLERRM;
    END;
    RETURN 'ok';
  END IF;

  -- post or void a pending transfer
  SELECT * INTO v_pending FROM ledger_transfers WHERE id = t->>'pendingId';
  IF NOT FOUND THEN RETURN 'pending_transfer_not_found'; END IF;
  IF v_pending.kind <> 'pending' THEN RETURN 'pending_transfer_not_pending'; END IF;
  IF EXISTS (SELECT 1 FROM ledger_transfers WHERE pending_id = v_pending.id) THEN RETURN 'pending_transfer_already_resolved'; END IF;
  IF v_kind = 'void' THEN v_amount := 0;
  ELSIF v_amount = 0 THEN v_amount := v_pending.amount;
  ELSIF v_amount > v_pending.amount THEN RETURN 'exceeds_pending_transfer_amount';
  END IF;
  BEGIN
    INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, pending_id, entity_kind, entity_id)
    VALUES (v_id, v_kind, v_pending.debit_account_id, v_pending.credit_account_id, v_amount, v_pending.ledger, v_pending.code, v_pending.id,
            coalesce(t->>'entityKind', v_pending.entity_kind), coalesce(t->>'entityId', v_pending.entity_id));
  EXCEPTION WHEN unique_violation THEN
    RETURN 'pending_transfer_already_resolved';
  END;
  BEGIN
    PERFORM ledger_add(v_pending.debit_account_id, -v_pending.amount, v_amount, 0, 0, v_id);
    PERFORM ledger_add(v_pending.credit_account_id, 0, 0, -v_pending.amount, v_amount, v_id);
  EXCEPTION WHEN SQLSTATE 'P0001' THEN
    RETURN SQLERRM;
  END;
  RETURN 'ok';
END;
$$;
