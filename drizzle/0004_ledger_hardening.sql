-- Ledger hardening (issue 3). Replaces the batch functions of 0002_ledger.sql; behaviour changes:
--  * concurrent batches carrying the same transfer id serialise on a per-id advisory lock (taken in
--    a fixed order before the account locks), so the second sees the first's result: exists,
--    exists_with_different_*, or id_already_failed — never a unique-violation error;
--  * limits and overflows are checked on the locked rows before anything is written, so a
--    transfer that fails writes nothing and a one-transfer chain needs no subtransaction (faster);
--    the guarded increment stays as a second line of defence;
--  * amounts that would overflow an account's debits or credits fail as overflows_debits /
--    overflows_credits instead of aborting the whole batch with "bigint out of range";
--  * a void's amount must be 0 or the pending amount (pending_transfer_has_different_amount);
--    a post or void retried with the same meaning (0 = the whole pending amount) returns exists;
--  * only a transfer's own failure marks its id failed: linked_event_failed and
--    linked_event_chain_open do not (a filing's idempotent cap-opening transfer refused only
--    because its chain failed must stay usable), nor does a missing id.
CREATE OR REPLACE FUNCTION ledger_add(p_account text, p_dp bigint, p_dpo bigint, p_cp bigint, p_cpo bigint, p_transfer text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a ledger_accounts%ROWTYPE;
BEGIN
  -- Guarded increment: the limit is checked again in the statement that adds.
  UPDATE ledger_accounts SET
    debits_pending = debits_pending + p_dp, debits_posted = debits_posted + p_dpo,
    credits_pending = credits_pending + p_cp, credits_posted = credits_posted + p_cpo,
    version = version + 1
  WHERE id = p_account
    AND ((flags & 1) = 0 OR debits_pending + p_dp + debits_posted + p_dpo <= credits_posted + p_cpo)
    AND ((flags & 2) = 0 OR credits_pending + p_cp + credits_posted + p_cpo <= debits_posted + p_dpo)
  RETURNING * INTO a;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ledger: guarded increment refused on account % (transfer %)', p_account, p_transfer USING ERRCODE = 'P0003';
  END IF;
  INSERT INTO ledger_balances VALUES (a.id, a.version, p_transfer, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted);
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_apply_one(t jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  c_max constant bigint := 9223372036854775807;
  v_id text := t->>'id';
  v_kind text := coalesce(t->>'kind', 'single');
  v_amount bigint := coalesce((t->>'amount')::bigint, 0);
  v_existing ledger_transfers%ROWTYPE;
  v_pending ledger_transfers%ROWTYPE;
  v_debit ledger_accounts%ROWTYPE;
  v_credit ledger_accounts%ROWTYPE;
BEGIN
  IF v_id IS NULL OR v_id = '' THEN RETURN 'id_must_not_be_empty'; END IF;
  IF v_kind NOT IN ('single', 'pending', 'post', 'void') THEN RETURN 'kind_is_unknown'; END IF;
  SELECT * INTO v_existing FROM ledger_transfers WHERE id = v_id;
  IF FOUND THEN
    IF v_existing.kind <> v_kind THEN RETURN 'exists_with_different_kind'; END IF;
    IF v_kind IN ('single', 'pending') THEN
      IF v_existing.debit_account_id IS DISTINCT FROM t->>'debit' OR v_existing.credit_account_id IS DISTINCT FROM t->>'credit' THEN RETURN 'exists_with_different_accounts'; END IF;
      IF v_existing.amount <> v_amount THEN RETURN 'exists_with_different_amount'; END IF;
      IF v_existing.code <> coalesce(t->>'code', '') THEN RETURN 'exists_with_different_code'; END IF;
      RETURN 'exists';
    END IF;
    IF v_existing.pending_id IS DISTINCT FROM t->>'pendingId' THEN RETURN 'exists_with_different_pending_id'; END IF;
    SELECT * INTO v_pending FROM ledger_transfers WHERE id = v_existing.pending_id;
    -- 0 means the whole pending amount; a void stores 0.
    IF v_amount = 0 AND v_kind = 'post' THEN v_amount := v_pending.amount; END IF;
    IF v_kind = 'void' AND v_amount = v_pending.amount THEN v_amount := 0; END IF;
    IF v_existing.amount <> v_amount THEN RETURN 'exists_with_different_amount'; END IF;
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
    -- Checked on the locked rows before any write (debits_pending + debits_posted never exceeds the maximum).
    IF v_debit.debits_pending + v_debit.debits_posted > c_max - v_amount THEN RETURN 'overflows_debits'; END IF;
    IF v_credit.credits_pending + v_credit.credits_posted > c_max - v_amount THEN RETURN 'overflows_credits'; END IF;
    IF (v_debit.flags & 1) <> 0 AND v_debit.debits_pending + v_debit.debits_posted + v_amount > v_debit.credits_posted THEN RETURN 'exceeds_credits'; END IF;
    IF (v_credit.flags & 2) <> 0 AND v_credit.credits_pending + v_credit.credits_posted + v_amount > v_credit.debits_posted THEN RETURN 'exceeds_debits'; END IF;
    INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, entity_kind, entity_id)
    VALUES (v_id, v_kind, v_debit.id, v_credit.id, v_amount, v_debit.ledger, coalesce(t->>'code', ''), t->>'entityKind', t->>'entityId');
    IF v_kind = 'single' THEN
      PERFORM ledger_add(v_debit.id, 0, v_amount, 0, 0, v_id);
      PERFORM ledger_add(v_credit.id, 0, 0, 0, v_amount, v_id);
    ELSE
      PERFORM ledger_add(v_debit.id, v_amount, 0, 0, 0, v_id);
      PERFORM ledger_add(v_credit.id, 0, 0, v_amount, 0, v_id);
    END IF;
    RETURN 'ok';
  END IF;

  -- post or void a pending transfer
  IF t->>'pendingId' IS NULL OR t->>'pendingId' = '' THEN RETURN 'pending_id_must_not_be_empty'; END IF;
  SELECT * INTO v_pending FROM ledger_transfers WHERE id = t->>'pendingId';
  IF NOT FOUND THEN RETURN 'pending_transfer_not_found'; END IF;
  IF v_pending.kind <> 'pending' THEN RETURN 'pending_transfer_not_pending'; END IF;
  IF EXISTS (SELECT 1 FROM ledger_transfers WHERE pending_id = v_pending.id) THEN RETURN 'pending_transfer_already_resolved'; END IF;
  IF v_kind = 'void' THEN
    IF v_amount <> 0 AND v_amount <> v_pending.amount THEN RETURN 'pending_transfer_has_different_amount'; END IF;
    v_amount := 0;
  ELSIF v_amount = 0 THEN v_amount := v_pending.amount;
  ELSIF v_amount > v_pending.amount THEN RETURN 'exceeds_pending_transfer_amount';
  END IF;
  -- The unique index on pending_id backs "resolved at most once"; the account locks make a conflict here impossible.
  INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, pending_id, entity_kind, entity_id)
  VALUES (v_id, v_kind, v_pending.debit_account_id, v_pending.credit_account_id, v_amount, v_pending.ledger, v_pending.code, v_pending.id,
          coalesce(t->>'entityKind', v_pending.entity_kind), coalesce(t->>'entityId', v_pending.entity_id));
  PERFORM ledger_add(v_pending.debit_account_id, -v_pending.amount, v_amount, 0, 0, v_id);
  PERFORM ledger_add(v_pending.credit_account_id, 0, 0, -v_pending.amount, v_amount, v_id);
  RETURN 'ok';
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_apply(p_batch jsonb, p_actor text DEFAULT 'system')
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_results text[] := '{}';
  v_ids text[];
  v_n int := jsonb_array_length(p_batch);
  v_i int := 0;
  v_start int;
  v_end int;
  v_j int;
  v_chain text[];
  v_r text;
  v_failed_at int;
  v_failed_reason text;
  v_any_ok boolean := false;
BEGIN
  -- 1. Serialise on each transfer id (a fixed order), so concurrent duplicates see each other.
  PERFORM pg_advisory_xact_lock(7260002, h) FROM (
    SELECT DISTINCT hashtext(t->>'id') AS h FROM jsonb_array_elements(p_batch) t WHERE t->>'id' IS NOT NULL ORDER BY 1
  ) s;
  -- 2. Lock every account the batch touches, in id order, before changing any.
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
    v_chain := '{}';
    IF coalesce((p_batch->v_end->>'linked')::boolean, false) THEN
      -- A chain left open at the end of the batch fails whole.
      FOR v_j IN v_start..v_end LOOP
        v_chain := v_chain || CASE WHEN v_j = v_end THEN 'linked_event_chain_open' ELSE 'linked_event_failed' END;
      END LOOP;
    ELSIF v_start = v_end THEN
      -- A lone transfer writes nothing unless it succeeds: no subtransaction needed.
      v_chain := ARRAY[ledger_apply_one(p_batch->v_start)];
    ELSE
      v_failed_at := NULL;
      BEGIN
        FOR v_j IN v_start..v_end LOOP
          v_r := ledger_apply_one(p_batch->v_j);
          IF v_r NOT IN ('ok', 'exists') THEN
            v_failed_at := v_j;
            v_failed_reason := v_r;
            RAISE EXCEPTION 'chain failed' USING ERRCODE = 'P0002';
          END IF;
          v_chain := v_chain || v_r;
        END LOOP;
      EXCEPTION WHEN SQLSTATE 'P0002' THEN
        v_chain := '{}';
        FOR v_j IN v_start..v_end LOOP
          v_chain := v_chain || CASE WHEN v_j = v_failed_at THEN v_failed_reason ELSE 'linked_event_failed' END;
        END LOOP;
      END;
    END IF;
    -- A transfer's own failure marks its id failed for good (outside any rolled-back chain).
    FOR v_j IN v_start..v_end LOOP
      v_r := v_chain[v_j - v_start + 1];
      IF v_r = 'ok' THEN v_any_ok := true; END IF;
      IF v_r NOT IN ('ok', 'exists', 'id_already_failed', 'id_must_not_be_empty', 'linked_event_failed', 'linked_event_chain_open')
         AND v_r NOT LIKE 'exists_with_different_%' THEN
        INSERT INTO ledger_failed_transfers (id, result, content) VALUES (p_batch->v_j->>'id', v_r, p_batch->v_j) ON CONFLICT (id) DO NOTHING;
      END IF;
    END LOOP;
    v_results := v_results || v_chain;
  END LOOP;
  IF v_any_ok THEN
    PERFORM audit_append(p_actor, 'ledger.batch', 'ledger', coalesce(p_batch->0->>'id', ''), NULL,
      jsonb_build_object('transfers', p_batch, 'results', to_jsonb(v_results)));
  END IF;
  RETURN to_jsonb(v_results);
END;
$$;
