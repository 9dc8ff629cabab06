-- Fewer statements per transfer in ledger_apply (docs/PERFORMANCE.md, "ledger"). Same signature,
-- same results for every input, same rows as 0006_ledger_batch_in_memory.sql. Changes:
--  * what the batch needs from the transfer tables is read once, after the locks, in three
--    set-based queries: the transfers whose ids (or pendingIds) the batch names, the pendings
--    already resolved, and the ids that already failed. A new transfer (the common case) then costs
--    no statement at all until the end;
--  * an id the batch names more than once (or as another transfer's pendingId), and a pendingId it
--    names more than once, are "watched": earlier chains' rows, failures and resolutions of those are
--    kept in small arrays, so later chains see them exactly as they saw the table before;
--  * the transfer rows of every chain that succeeded go in with ONE insert at the end, in batch order
--    (so seq follows the batch as before), like the balance history rows;
--  * ledger_balances loses its foreign keys (four checks per transfer, a third of a batch's time):
--    only this function writes it, from accounts it holds locked and transfers it inserts in the same
--    statement's transaction, and `ledger verify` holds every history row to the replay of the
--    transfer log (an unknown account or transfer is a violation there). The transfers keep theirs.
--  * the per-id advisory locks go by 1,024 buckets of the id's hash: the same id still always
--    meets the same lock (concurrent duplicates serialise), and a batch takes at most 1,024 of the
--    shared lock table's slots (max_locks_per_transaction × connections, 6,400 by default) however
--    big it is; unrelated ids that share a bucket merely wait for each other;
--  * the account flag `history` (4, as TigerBeetle's): only an account that has it keeps a
--    ledger_balances row per transfer; the others keep their running totals. Accounts that already
--    have history get the flag, so what verify expects of them does not change, and so do the fund's
--    own accounts (by their code, as src/core/ledger/fund-operations.ts opens them now) that have
--    had no transfer yet.
ALTER TABLE ledger_accounts DROP CONSTRAINT IF EXISTS ledger_accounts_flags_check;
--> statement-breakpoint
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_flags_check CHECK (flags BETWEEN 0 AND 7);
--> statement-breakpoint
UPDATE ledger_accounts a SET flags = a.flags | 4
  WHERE a.code IN ('limit', 'capacity', 'enterprise-cap-source', 'capital', 'cash', 'expense', 'recovery-income', 'payable', 'quota')
     OR EXISTS (SELECT 1 FROM ledger_balances b WHERE b.account_id = a.id);
--> statement-breakpoint
ALTER TABLE ledger_balances DROP CONSTRAINT IF EXISTS ledger_balances_account_id_fkey;
--> statement-breakpoint
ALTER TABLE ledger_balances DROP CONSTRAINT IF EXISTS ledger_balances_transfer_id_fkey;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_apply(p_batch jsonb, p_actor text DEFAULT 'system')
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  c_max constant bigint := 9223372036854775807;
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
  v_any_ok boolean := false;
  -- Read once after the locks (see the header).
  v_known jsonb;
  v_resolved jsonb;
  v_failed jsonb;
  v_multi_id jsonb;
  v_multi_pend jsonb;
  -- Watched ids: rows, failures and resolutions of earlier chains of this batch.
  w_ids text[] := '{}';
  w_rows ledger_transfers[] := '{}';
  w_failed text[] := '{}';
  w_resolved text[] := '{}';
  -- Every successful chain's transfer rows, inserted at the end in batch order.
  r_rows ledger_transfers[] := '{}';
  -- In-memory state of the locked accounts: s_* now, s0_* as read under the lock.
  s_id text[] := '{}';
  s_ledger text[] := '{}';
  s_flags int[] := '{}';
  s_dp bigint[] := '{}';
  s_dpo bigint[] := '{}';
  s_cp bigint[] := '{}';
  s_cpo bigint[] := '{}';
  s_ver bigint[] := '{}';
  s0_dp bigint[];
  s0_dpo bigint[];
  s0_cp bigint[];
  s0_cpo bigint[];
  s0_ver bigint[];
  v_pos jsonb;
  -- Snapshot at the start of a chain of more than one transfer.
  z_dp bigint[];
  z_dpo bigint[];
  z_cp bigint[];
  z_cpo bigint[];
  z_ver bigint[];
  z_nacc int;
  z_nbal int;
  -- Balance history rows, inserted at the end.
  b_acc text[] := '{}';
  b_ver bigint[] := '{}';
  b_tr text[] := '{}';
  b_dp bigint[] := '{}';
  b_dpo bigint[] := '{}';
  b_cp bigint[] := '{}';
  b_cpo bigint[] := '{}';
  -- The current chain's new transfer rows (not yet inserted).
  c_ids text[];
  c_pend text[];
  c_rows ledger_transfers[];
  v_t jsonb;
  v_id text;
  v_kind text;
  v_amount bigint;
  v_found boolean;
  v_k int;
  v_acc ledger_accounts%ROWTYPE;
  v_row ledger_transfers%ROWTYPE;
  v_existing ledger_transfers%ROWTYPE;
  v_pending ledger_transfers%ROWTYPE;
  xd int;
  xc int;
  d_dp bigint;
  d_dpo bigint;
  c_cp bigint;
  c_cpo bigint;
  v_x int;
  v_touched int;
  v_updated int;
BEGIN
  -- 1. Serialise on each transfer id (a fixed order), so concurrent duplicates see each other.
  PERFORM pg_advisory_xact_lock(7260002, h) FROM (
    SELECT DISTINCT hashtext(t->>'id') & 1023 AS h FROM jsonb_array_elements(p_batch) t WHERE t->>'id' IS NOT NULL ORDER BY 1
  ) s;
  -- 2. Lock every account the batch touches, in id order, before changing any, and read each once.
  SELECT array_agg(DISTINCT acc ORDER BY acc) INTO v_ids FROM (
    SELECT t->>'debit' AS acc FROM jsonb_array_elements(p_batch) t WHERE t->>'debit' IS NOT NULL
    UNION SELECT t->>'credit' FROM jsonb_array_elements(p_batch) t WHERE t->>'credit' IS NOT NULL
    UNION SELECT unnest(ARRAY[x.debit_account_id, x.credit_account_id])
      FROM (SELECT DISTINCT t->>'pendingId' AS p FROM jsonb_array_elements(p_batch) t WHERE t->>'pendingId' IS NOT NULL) b,
      LATERAL (SELECT debit_account_id, credit_account_id FROM ledger_transfers WHERE id = b.p LIMIT 1) x
  ) s;
  FOR v_acc IN SELECT * FROM ledger_accounts WHERE id = ANY (coalesce(v_ids, '{}')) ORDER BY id FOR UPDATE LOOP
    s_id := s_id || v_acc.id;
    s_ledger := s_ledger || v_acc.ledger;
    s_flags := s_flags || v_acc.flags;
    s_dp := s_dp || v_acc.debits_pending;
    s_dpo := s_dpo || v_acc.debits_posted;
    s_cp := s_cp || v_acc.credits_pending;
    s_cpo := s_cpo || v_acc.credits_posted;
    s_ver := s_ver || v_acc.version;
  END LOOP;
  s0_dp := s_dp; s0_dpo := s_dpo; s0_cp := s_cp; s0_cpo := s_cpo; s0_ver := s_ver;
  SELECT coalesce(jsonb_object_agg(u.id, u.o), '{}') INTO v_pos FROM unnest(s_id) WITH ORDINALITY u(id, o);
  -- 3. What the transfer tables say about the ids the batch names, read once under the locks.
  -- (Each by its index: a LATERAL with LIMIT 1, which the planner cannot flatten into a join that
  -- scans the whole table — it did, 1.5 ms per call on 100,000 transfers.)
  SELECT coalesce(jsonb_object_agg(x.id, to_jsonb(x)), '{}') INTO v_known
    FROM (SELECT t->>'id' AS i FROM jsonb_array_elements(p_batch) t UNION SELECT t->>'pendingId' FROM jsonb_array_elements(p_batch) t) b,
    LATERAL (SELECT * FROM ledger_transfers WHERE id = b.i LIMIT 1) x;
  SELECT coalesce(jsonb_object_agg(x.pending_id, true), '{}') INTO v_resolved
    FROM (SELECT DISTINCT t->>'pendingId' AS p FROM jsonb_array_elements(p_batch) t WHERE t->>'pendingId' IS NOT NULL) b,
    LATERAL (SELECT pending_id FROM ledger_transfers WHERE pending_id = b.p LIMIT 1) x;
  SELECT coalesce(jsonb_object_agg(f.id, true), '{}') INTO v_failed
    FROM (SELECT DISTINCT t->>'id' AS i FROM jsonb_array_elements(p_batch) t) b,
    LATERAL (SELECT id FROM ledger_failed_transfers WHERE id = b.i LIMIT 1) f;
  SELECT coalesce(jsonb_object_agg(i, true), '{}') INTO v_multi_id FROM (
    SELECT i FROM (SELECT t->>'id' AS i FROM jsonb_array_elements(p_batch) t UNION ALL
                   SELECT DISTINCT t->>'pendingId' FROM jsonb_array_elements(p_batch) t) n
    WHERE i IS NOT NULL GROUP BY i HAVING count(*) > 1) m;
  SELECT coalesce(jsonb_object_agg(p, true), '{}') INTO v_multi_pend FROM (
    SELECT t->>'pendingId' AS p FROM jsonb_array_elements(p_batch) t WHERE t->>'pendingId' IS NOT NULL GROUP BY 1 HAVING count(*) > 1) m;

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
    ELSE
      IF v_start < v_end THEN
        z_dp := s_dp; z_dpo := s_dpo; z_cp := s_cp; z_cpo := s_cpo; z_ver := s_ver;
        z_nacc := cardinality(s_id);
        z_nbal := cardinality(b_acc);
      END IF;
      c_ids := '{}'; c_pend := '{}'; c_rows := '{}';
      v_failed_at := NULL;
      FOR v_j IN v_start..v_end LOOP
        v_t := p_batch->v_j;
        v_id := v_t->>'id';
        v_kind := coalesce(v_t->>'kind', 'single');
        v_amount := coalesce((v_t->>'amount')::bigint, 0);
        -- One transfer: sets v_r; the state changes and v_row joins the chain only when v_r = 'ok'.
        <<one>>
        BEGIN
          IF v_id IS NULL OR v_id = '' THEN v_r := 'id_must_not_be_empty'; EXIT one; END IF;
          IF v_kind NOT IN ('single', 'pending', 'post', 'void') THEN v_r := 'kind_is_unknown'; EXIT one; END IF;
          v_k := array_position(c_ids, v_id);
          v_found := true;
          IF v_k IS NOT NULL THEN
            v_existing := c_rows[v_k];
          ELSIF v_multi_id ? v_id AND array_position(w_ids, v_id) IS NOT NULL THEN
            v_existing := w_rows[array_position(w_ids, v_id)];
          ELSIF v_known ? v_id THEN
            v_existing := jsonb_populate_record(NULL::ledger_transfers, v_known->v_id);
          ELSE
            v_found := false;
          END IF;
          IF v_found THEN
            IF v_existing.kind <> v_kind THEN v_r := 'exists_with_different_kind'; EXIT one; END IF;
            IF v_kind IN ('single', 'pending') THEN
              IF v_existing.debit_account_id IS DISTINCT FROM v_t->>'debit' OR v_existing.credit_account_id IS DISTINCT FROM v_t->>'credit' THEN
                v_r := 'exists_with_different_accounts'; EXIT one;
              END IF;
              IF v_existing.amount <> v_amount THEN v_r := 'exists_with_different_amount'; EXIT one; END IF;
              IF v_existing.code <> coalesce(v_t->>'code', '') THEN v_r := 'exists_with_different_code'; EXIT one; END IF;
              v_r := 'exists'; EXIT one;
            END IF;
            IF v_existing.pending_id IS DISTINCT FROM v_t->>'pendingId' THEN v_r := 'exists_with_different_pending_id'; EXIT one; END IF;
            v_k := array_position(c_ids, v_existing.pending_id);
            IF v_k IS NOT NULL THEN
              v_pending := c_rows[v_k];
            ELSIF array_position(w_ids, v_existing.pending_id) IS NOT NULL THEN
              v_pending := w_rows[array_position(w_ids, v_existing.pending_id)];
            ELSIF v_known ? v_existing.pending_id THEN
              v_pending := jsonb_populate_record(NULL::ledger_transfers, v_known->v_existing.pending_id);
            ELSE
              -- A transfer of an earlier batch names its pending, which the batch itself may not name.
              SELECT * INTO v_pending FROM ledger_transfers WHERE id = v_existing.pending_id;
            END IF;
            -- 0 means the whole pending amount; a void stores 0.
            IF v_amount = 0 AND v_kind = 'post' THEN v_amount := v_pending.amount; END IF;
            IF v_kind = 'void' AND v_amount = v_pending.amount THEN v_amount := 0; END IF;
            IF v_existing.amount <> v_amount THEN v_r := 'exists_with_different_amount'; EXIT one; END IF;
            v_r := 'exists'; EXIT one;
          END IF;
          IF v_failed ? v_id OR (v_multi_id ? v_id AND v_id = ANY (w_failed)) THEN v_r := 'id_already_failed'; EXIT one; END IF;
          IF v_amount < 0 THEN v_r := 'amount_must_not_be_negative'; EXIT one; END IF;

          v_row := NULL;
          IF v_kind IN ('single', 'pending') THEN
            IF v_amount = 0 THEN v_r := 'amount_must_not_be_zero'; EXIT one; END IF;
            IF v_t->>'debit' = v_t->>'credit' THEN v_r := 'accounts_must_be_different'; EXIT one; END IF;
            xd := (v_pos->>(v_t->>'debit'))::int;
            IF xd IS NULL THEN v_r := 'debit_account_not_found'; EXIT one; END IF;
            xc := (v_pos->>(v_t->>'credit'))::int;
            IF xc IS NULL THEN v_r := 'credit_account_not_found'; EXIT one; END IF;
            IF s_ledger[xd] <> s_ledger[xc] THEN v_r := 'accounts_must_have_the_same_ledger'; EXIT one; END IF;
            -- On the in-memory totals (debits_pending + debits_posted never exceeds the maximum).
            IF s_dp[xd] + s_dpo[xd] > c_max - v_amount THEN v_r := 'overflows_debits'; EXIT one; END IF;
            IF s_cp[xc] + s_cpo[xc] > c_max - v_amount THEN v_r := 'overflows_credits'; EXIT one; END IF;
            IF (s_flags[xd] & 1) <> 0 AND s_dp[xd] + s_dpo[xd] + v_amount > s_cpo[xd] THEN v_r := 'exceeds_credits'; EXIT one; END IF;
            IF (s_flags[xc] & 2) <> 0 AND s_cp[xc] + s_cpo[xc] + v_amount > s_dpo[xc] THEN v_r := 'exceeds_debits'; EXIT one; END IF;
            v_row.id := v_id; v_row.kind := v_kind; v_row.debit_account_id := s_id[xd]; v_row.credit_account_id := s_id[xc];
            v_row.amount := v_amount; v_row.ledger := s_ledger[xd]; v_row.code := coalesce(v_t->>'code', '');
            v_row.entity_kind := v_t->>'entityKind'; v_row.entity_id := v_t->>'entityId';
            IF v_kind = 'single' THEN
              d_dp := 0; d_dpo := v_amount; c_cp := 0; c_cpo := v_amount;
            ELSE
              d_dp := v_amount; d_dpo := 0; c_cp := v_amount; c_cpo := 0;
            END IF;
          ELSE
            -- post or void a pending transfer
            IF v_t->>'pendingId' IS NULL OR v_t->>'pendingId' = '' THEN v_r := 'pending_id_must_not_be_empty'; EXIT one; END IF;
            v_k := array_position(c_ids, v_t->>'pendingId');
            v_found := true;
            IF v_k IS NOT NULL THEN
              v_pending := c_rows[v_k];
            ELSIF v_multi_id ? (v_t->>'pendingId') AND array_position(w_ids, v_t->>'pendingId') IS NOT NULL THEN
              v_pending := w_rows[array_position(w_ids, v_t->>'pendingId')];
            ELSIF v_known ? (v_t->>'pendingId') THEN
              v_pending := jsonb_populate_record(NULL::ledger_transfers, v_known->(v_t->>'pendingId'));
            ELSE
              v_found := false;
            END IF;
            IF NOT v_found THEN v_r := 'pending_transfer_not_found'; EXIT one; END IF;
            IF v_pending.kind <> 'pending' THEN v_r := 'pending_transfer_not_pending'; EXIT one; END IF;
            IF array_position(c_pend, v_pending.id) IS NOT NULL OR v_resolved ? v_pending.id
               OR (v_multi_pend ? v_pending.id AND v_pending.id = ANY (w_resolved)) THEN
              v_r := 'pending_transfer_already_resolved'; EXIT one;
            END IF;
            IF v_kind = 'void' THEN
              IF v_amount <> 0 AND v_amount <> v_pending.amount THEN v_r := 'pending_transfer_has_different_amount'; EXIT one; END IF;
              v_amount := 0;
            ELSIF v_amount = 0 THEN v_amount := v_pending.amount;
            ELSIF v_amount > v_pending.amount THEN v_r := 'exceeds_pending_transfer_amount'; EXIT one;
            END IF;
            xd := (v_pos->>v_pending.debit_account_id)::int;
            xc := (v_pos->>v_pending.credit_account_id)::int;
            IF xd IS NULL OR xc IS NULL THEN
              -- The pending was committed by a concurrent batch after this one chose its accounts: lock
              -- and read its accounts now (0004 did the same implicitly, through its UPDATE).
              FOR v_acc IN SELECT * FROM ledger_accounts
                  WHERE id IN (v_pending.debit_account_id, v_pending.credit_account_id) AND NOT (id = ANY (s_id))
                  ORDER BY id FOR UPDATE LOOP
                s_id := s_id || v_acc.id; s_ledger := s_ledger || v_acc.ledger; s_flags := s_flags || v_acc.flags;
                s_dp := s_dp || v_acc.debits_pending; s_dpo := s_dpo || v_acc.debits_posted;
                s_cp := s_cp || v_acc.credits_pending; s_cpo := s_cpo || v_acc.credits_posted; s_ver := s_ver || v_acc.version;
                s0_dp := s0_dp || v_acc.debits_pending; s0_dpo := s0_dpo || v_acc.debits_posted;
                s0_cp := s0_cp || v_acc.credits_pending; s0_cpo := s0_cpo || v_acc.credits_posted; s0_ver := s0_ver || v_acc.version;
                v_pos := v_pos || jsonb_build_object(v_acc.id, cardinality(s_id));
              END LOOP;
              xd := (v_pos->>v_pending.debit_account_id)::int;
              xc := (v_pos->>v_pending.credit_account_id)::int;
              IF xd IS NULL OR xc IS NULL THEN
                RAISE EXCEPTION 'ledger: account of pending % not found', v_pending.id USING ERRCODE = 'P0003';
              END IF;
            END IF;
            v_row.id := v_id; v_row.kind := v_kind; v_row.debit_account_id := v_pending.debit_account_id;
            v_row.credit_account_id := v_pending.credit_account_id; v_row.amount := v_amount; v_row.ledger := v_pending.ledger;
            v_row.code := v_pending.code; v_row.pending_id := v_pending.id;
            v_row.entity_kind := coalesce(v_t->>'entityKind', v_pending.entity_kind);
            v_row.entity_id := coalesce(v_t->>'entityId', v_pending.entity_id);
            d_dp := -v_pending.amount; d_dpo := v_amount; c_cp := -v_pending.amount; c_cpo := v_amount;
          END IF;

          -- Apply to the in-memory state; the limit flags are asserted again on the new totals.
          s_dp[xd] := s_dp[xd] + d_dp; s_dpo[xd] := s_dpo[xd] + d_dpo; s_ver[xd] := s_ver[xd] + 1;
          s_cp[xc] := s_cp[xc] + c_cp; s_cpo[xc] := s_cpo[xc] + c_cpo; s_ver[xc] := s_ver[xc] + 1;
          FOREACH v_x IN ARRAY ARRAY[xd, xc] LOOP
            IF ((s_flags[v_x] & 1) <> 0 AND s_dp[v_x] + s_dpo[v_x] > s_cpo[v_x])
               OR ((s_flags[v_x] & 2) <> 0 AND s_cp[v_x] + s_cpo[v_x] > s_dpo[v_x])
               OR s_dp[v_x] < 0 OR s_cp[v_x] < 0 THEN
              RAISE EXCEPTION 'ledger: guarded increment refused on account % (transfer %)', s_id[v_x], v_id USING ERRCODE = 'P0003';
            END IF;
            IF (s_flags[v_x] & 4) <> 0 THEN
              b_acc := b_acc || s_id[v_x]; b_ver := b_ver || s_ver[v_x]; b_tr := b_tr || v_id;
              b_dp := b_dp || s_dp[v_x]; b_dpo := b_dpo || s_dpo[v_x]; b_cp := b_cp || s_cp[v_x]; b_cpo := b_cpo || s_cpo[v_x];
            END IF;
          END LOOP;
          c_ids := c_ids || v_id;
          c_pend := c_pend || v_row.pending_id;
          c_rows := c_rows || v_row;
          v_r := 'ok';
        END one;
        v_chain := v_chain || v_r;
        IF v_r NOT IN ('ok', 'exists') THEN v_failed_at := v_j; EXIT; END IF;
      END LOOP;
      IF v_failed_at IS NULL THEN
        FOREACH v_row IN ARRAY c_rows LOOP
          r_rows := r_rows || v_row;
          IF v_multi_id ? v_row.id THEN w_ids := w_ids || v_row.id; w_rows := w_rows || v_row; END IF;
          IF v_row.pending_id IS NOT NULL AND v_multi_pend ? v_row.pending_id THEN w_resolved := w_resolved || v_row.pending_id; END IF;
        END LOOP;
      ELSIF v_start < v_end THEN
        -- The chain fails whole: back to the state at its start (accounts first read inside the chain
        -- go back to what was read), its balance rows dropped, its transfer rows never inserted.
        s_dp := z_dp || s0_dp[z_nacc + 1:cardinality(s0_dp)];
        s_dpo := z_dpo || s0_dpo[z_nacc + 1:cardinality(s0_dpo)];
        s_cp := z_cp || s0_cp[z_nacc + 1:cardinality(s0_cp)];
        s_cpo := z_cpo || s0_cpo[z_nacc + 1:cardinality(s0_cpo)];
        s_ver := z_ver || s0_ver[z_nacc + 1:cardinality(s0_ver)];
        b_acc := b_acc[1:z_nbal]; b_ver := b_ver[1:z_nbal]; b_tr := b_tr[1:z_nbal];
        b_dp := b_dp[1:z_nbal]; b_dpo := b_dpo[1:z_nbal]; b_cp := b_cp[1:z_nbal]; b_cpo := b_cpo[1:z_nbal];
        v_r := v_chain[v_failed_at - v_start + 1];
        v_chain := '{}';
        FOR v_j IN v_start..v_end LOOP
          v_chain := v_chain || CASE WHEN v_j = v_failed_at THEN v_r ELSE 'linked_event_failed' END;
        END LOOP;
      END IF;
      -- (A lone transfer that fails has changed nothing: every check precedes the change.)
    END IF;
    -- A transfer's own failure marks its id failed for good (outside any failed chain).
    FOR v_j IN v_start..v_end LOOP
      v_r := v_chain[v_j - v_start + 1];
      IF v_r = 'ok' THEN v_any_ok := true; END IF;
      IF v_r NOT IN ('ok', 'exists', 'id_already_failed', 'id_must_not_be_empty', 'linked_event_failed', 'linked_event_chain_open')
         AND v_r NOT LIKE 'exists_with_different_%' THEN
        INSERT INTO ledger_failed_transfers (id, result, content) VALUES (p_batch->v_j->>'id', v_r, p_batch->v_j) ON CONFLICT (id) DO NOTHING;
        IF v_multi_id ? (p_batch->v_j->>'id') THEN w_failed := w_failed || (p_batch->v_j->>'id'); END IF;
      END IF;
    END LOOP;
    v_results := v_results || v_chain;
  END LOOP;

  -- 4. The transfers of every chain that succeeded, in batch order; then each touched account once: its summed deltas as a guarded increment. The limit flags are
  -- checked again in the statement that adds, and the version must still be the one read under the lock.
  INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, pending_id, entity_kind, entity_id)
  SELECT r.id, r.kind, r.debit_account_id, r.credit_account_id, r.amount, r.ledger, r.code, r.pending_id, r.entity_kind, r.entity_id
  FROM unnest(r_rows) WITH ORDINALITY AS r ORDER BY r.ordinality;
  SELECT count(*) INTO v_touched FROM unnest(s_ver, s0_ver) u(ver, ver0) WHERE ver <> ver0;
  IF v_touched > 0 THEN
    UPDATE ledger_accounts a SET
      debits_pending = a.debits_pending + u.ddp, debits_posted = a.debits_posted + u.ddpo,
      credits_pending = a.credits_pending + u.dcp, credits_posted = a.credits_posted + u.dcpo,
      version = a.version + u.n
    FROM (
      SELECT id, dp - dp0 AS ddp, dpo - dpo0 AS ddpo, cp - cp0 AS dcp, cpo - cpo0 AS dcpo, ver - ver0 AS n, ver0
      FROM unnest(s_id, s_dp, s_dpo, s_cp, s_cpo, s_ver, s0_dp, s0_dpo, s0_cp, s0_cpo, s0_ver)
        AS x(id, dp, dpo, cp, cpo, ver, dp0, dpo0, cp0, cpo0, ver0)
      WHERE ver <> ver0
    ) u
    WHERE a.id = u.id AND a.version = u.ver0
      AND ((a.flags & 1) = 0 OR (a.debits_pending + u.ddp)::numeric + (a.debits_posted + u.ddpo) <= a.credits_posted + u.dcpo)
      AND ((a.flags & 2) = 0 OR (a.credits_pending + u.dcp)::numeric + (a.credits_posted + u.dcpo) <= a.debits_posted + u.ddpo);
    GET DIAGNOSTICS v_updated = ROW_COUNT;
    IF v_updated <> v_touched THEN
      RAISE EXCEPTION 'ledger: guarded increment refused (% of % accounts updated)', v_updated, v_touched USING ERRCODE = 'P0003';
    END IF;
    INSERT INTO ledger_balances (account_id, version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
    SELECT * FROM unnest(b_acc, b_ver, b_tr, b_dp, b_dpo, b_cp, b_cpo);
  END IF;
  IF v_any_ok THEN
    PERFORM audit_append(p_actor, 'ledger.batch', 'ledger', coalesce(p_batch->0->>'id', ''), NULL,
      jsonb_build_object('transfers', p_batch, 'results', to_jsonb(v_results)));
  END IF;
  RETURN to_jsonb(v_results);
END;
$$;
