-- ledger_apply as in force: defined last by drizzle/0010_ledger_apply_fast_path.sql (see that
-- migration's header for what changed and why). This file is the function only; a migration that
-- replaces the function must update it (src/modules/ledger/ledger-apply.sql.test.ts checks).
CREATE OR REPLACE FUNCTION ledger_apply(p_batch jsonb, p_actor text DEFAULT 'system')
RETURNS jsonb LANGUAGE plpgsql SET jit = off AS $$
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
  -- The fast path (2b): the batch classified, the transfers it inserts, what they do to the accounts.
  f_ok boolean;
  f_limits_ok boolean;
  f_results text[];
  f_o bigint[];
  f_id text[];
  f_d text[];
  f_c text[];
  f_amt bigint[];
  f_ledger text[];
  f_code text[];
  f_ek text[];
  f_ei text[];
  h_acc text[];
  h_ver bigint[];
  h_tr text[];
  h_dp bigint[];
  h_dpo bigint[];
  h_cp bigint[];
  h_cpo bigint[];
  u_id text[];
  u_ddpo bigint[];
  u_dcpo bigint[];
  u_n bigint[];
  u_ver0 bigint[];
BEGIN
  -- 1. Serialise on each transfer id (a fixed order), so concurrent duplicates see each other.
  PERFORM pg_advisory_xact_lock(7260002, h) FROM (
    SELECT DISTINCT hashtext(t->>'id') & 1023 AS h FROM jsonb_array_elements(p_batch) t WHERE t->>'id' IS NOT NULL ORDER BY 1
  ) s;
  -- 2. Lock every account the batch touches, in id order, before changing any, and read each once.
  SELECT array_agg(acc) INTO v_ids FROM (
    SELECT DISTINCT acc FROM (SELECT unnest(ARRAY[t->>'debit', t->>'credit']) AS acc FROM jsonb_array_elements(p_batch) t) d WHERE acc IS NOT NULL
    UNION ALL SELECT unnest(ARRAY[x.debit_account_id, x.credit_account_id])
      FROM (SELECT DISTINCT t->>'pendingId' AS p FROM jsonb_array_elements(p_batch) t WHERE t->>'pendingId' IS NOT NULL) b,
      LATERAL (SELECT debit_account_id, credit_account_id FROM ledger_transfers WHERE id = b.p LIMIT 1) x
  ) s;
  SELECT coalesce(array_agg(a.id), '{}'), coalesce(array_agg(a.ledger), '{}'), coalesce(array_agg(a.flags), '{}'),
         coalesce(array_agg(a.debits_pending), '{}'), coalesce(array_agg(a.debits_posted), '{}'),
         coalesce(array_agg(a.credits_pending), '{}'), coalesce(array_agg(a.credits_posted), '{}'), coalesce(array_agg(a.version), '{}')
    INTO s_id, s_ledger, s_flags, s_dp, s_dpo, s_cp, s_cpo, s_ver
    FROM (SELECT * FROM ledger_accounts WHERE id = ANY (coalesce(v_ids, '{}')) ORDER BY id FOR UPDATE) a;
  -- 2b. The fast path (see the header). Nothing is written before both of its checks have passed; a
  -- batch that does not qualify goes on to the exact loop below, unchanged.
  IF v_n > 0 THEN
    WITH a AS MATERIALIZED (
      -- the locked accounts as read under the lock
      SELECT * FROM unnest(s_id, s_ledger, s_flags, s_dp, s_dpo, s_cp, s_cpo, s_ver) WITH ORDINALITY AS a(id, ledger, fl, dp, dpo, cp, cpo, ver, pos)
    ), e AS MATERIALIZED (
      -- each transfer as the loop reads it; 'shape': an object of kind single with an id, whose
      -- 'linked' is absent, null or a boolean, the last one not linked (no chain left open); 'amt': an
      -- amount of 1 to 18 digits (any other amount, even one the loop would accept, is left to the loop)
      SELECT t.o, t.j->>'id' AS id, t.j->>'debit' AS d, t.j->>'credit' AS c, coalesce(t.j->>'code', '') AS code,
             t.j->>'entityKind' AS ek, t.j->>'entityId' AS ei,
             CASE WHEN length(t.j->>'amount') BETWEEN 1 AND 18 AND translate(t.j->>'amount', '0123456789', '') = ''
                  THEN (t.j->>'amount')::bigint END AS amt,
             jsonb_typeof(t.j) = 'object' AND coalesce(t.j->>'kind', 'single') = 'single' AND t.j->>'id' <> ''
               AND coalesce(jsonb_typeof(t.j->'linked'), 'null') IN ('null', 'boolean')
               AND NOT (t.o = v_n AND coalesce(t.j->>'linked', 'false') = 'true') AS shape
      FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS t(j, o)
    ), k AS MATERIALIZED (
      -- (a) what the loop would answer, when it is 'ok' or 'exists': 'ok' for an id in neither transfer
      -- table nor earlier in the batch, with both accounts found, different and of one ledger (the
      -- limits are (b)); 'exists' for the same single transfer as a stored one, or as the earlier
      -- transfer of the batch with its id. NULL for anything else: such a batch is not taken here.
      SELECT e.o, e.id, e.d, e.c, e.amt, e.code, e.ek, e.ei, ad.ledger, ad.pos AS dpos, ac.pos AS cpos,
        CASE
          WHEN e.shape IS NOT TRUE OR coalesce(e.amt, 0) < 1 THEN NULL
          WHEN x.id IS NOT NULL THEN
            CASE WHEN x.kind = 'single' AND x.debit_account_id = e.d AND x.credit_account_id = e.c
                      AND x.amount = e.amt AND x.code = e.code THEN 'exists' END
          WHEN m.first_o IS NULL OR m.first_o = e.o THEN
            CASE WHEN e.d <> e.c AND ad.ledger = ac.ledger
                      AND NOT EXISTS (SELECT 1 FROM ledger_failed_transfers f WHERE f.id = e.id) THEN 'ok' END
          ELSE
            CASE WHEN f.d = e.d AND f.c = e.c AND f.amt = e.amt AND f.code = e.code THEN 'exists' END
        END AS st
      FROM e
      LEFT JOIN LATERAL (SELECT x.id, x.kind, x.debit_account_id, x.credit_account_id, x.amount, x.code
                         FROM ledger_transfers x WHERE x.id = e.id LIMIT 1) x ON true
      LEFT JOIN (SELECT e1.id, min(e1.o) AS first_o FROM e e1 GROUP BY e1.id HAVING count(*) > 1) m ON m.id = e.id
      LEFT JOIN e f ON f.o = m.first_o
      LEFT JOIN a ad ON ad.id = e.d
      LEFT JOIN a ac ON ac.id = e.c
    ), r AS (
      -- (b) every account after each 'ok' transfer that touches it, in batch order (running sums in
      -- numeric, credits that arrive earlier in the batch included): what the loop checks before and
      -- asserts after each transfer — no limit flag crossed, nothing negative, nothing overflowing.
      SELECT v.*,
             ((v.fl & 1) = 0 OR v.dp::numeric + v.dpo + v.cd <= v.cpo + v.cc)
         AND ((v.fl & 2) = 0 OR v.cp::numeric + v.cpo + v.cc <= v.dpo + v.cd)
         AND v.dp >= 0 AND v.cp >= 0 AND v.ver::numeric + v.n <= c_max
         AND v.dp::numeric + v.dpo + v.cd <= c_max AND v.cp::numeric + v.cpo + v.cc <= c_max AS ok
      FROM (
        SELECT ev.tr, a.id, a.fl, a.dp, a.dpo, a.cp, a.cpo, a.ver,
               sum(ev.dd) OVER w AS cd, sum(ev.dc) OVER w AS cc, row_number() OVER w AS n,
               count(*) OVER (PARTITION BY ev.pos) AS tot
        FROM (SELECT k.o, k.id AS tr, k.dpos AS pos, k.amt AS dd, 0::bigint AS dc FROM k WHERE k.st = 'ok'
              UNION ALL
              SELECT k.o, k.id, k.cpos, 0::bigint, k.amt FROM k WHERE k.st = 'ok') ev
        JOIN a ON a.pos = ev.pos
        WINDOW w AS (PARTITION BY ev.pos ORDER BY ev.o ROWS UNBOUNDED PRECEDING)
      ) v
      OFFSET 0
    )
    -- What the batch writes, in arrays: the transfers (their batch position, for the order of the
    -- insert), the balance history rows of accounts with flag 4 (after each transfer), and each touched
    -- account's summed deltas (its last row). Casts to bigint only where the checks hold.
    SELECT q1.*, q2.*
      INTO f_ok, f_results, f_o, f_id, f_d, f_c, f_amt, f_ledger, f_code, f_ek, f_ei,
           f_limits_ok, h_acc, h_ver, h_tr, h_dp, h_dpo, h_cp, h_cpo, u_id, u_ddpo, u_dcpo, u_n, u_ver0
      FROM (SELECT coalesce(bool_and(k.st IS NOT NULL), false), array_agg(k.st ORDER BY k.o),
                   array_agg(k.o) FILTER (WHERE k.st = 'ok'), array_agg(k.id) FILTER (WHERE k.st = 'ok'),
                   array_agg(k.d) FILTER (WHERE k.st = 'ok'), array_agg(k.c) FILTER (WHERE k.st = 'ok'),
                   array_agg(k.amt) FILTER (WHERE k.st = 'ok'), array_agg(k.ledger) FILTER (WHERE k.st = 'ok'),
                   array_agg(k.code) FILTER (WHERE k.st = 'ok'), array_agg(k.ek) FILTER (WHERE k.st = 'ok'),
                   array_agg(k.ei) FILTER (WHERE k.st = 'ok')
            FROM k) q1,
           (SELECT coalesce(bool_and(r.ok IS TRUE), true),
                   array_agg(r.id) FILTER (WHERE r.fl & 4 <> 0),
                   array_agg(CASE WHEN r.ok THEN r.ver + r.n END) FILTER (WHERE r.fl & 4 <> 0),
                   array_agg(r.tr) FILTER (WHERE r.fl & 4 <> 0), array_agg(r.dp) FILTER (WHERE r.fl & 4 <> 0),
                   array_agg(CASE WHEN r.ok THEN (r.dpo + r.cd)::bigint END) FILTER (WHERE r.fl & 4 <> 0),
                   array_agg(r.cp) FILTER (WHERE r.fl & 4 <> 0),
                   array_agg(CASE WHEN r.ok THEN (r.cpo + r.cc)::bigint END) FILTER (WHERE r.fl & 4 <> 0),
                   array_agg(r.id) FILTER (WHERE r.n = r.tot),
                   array_agg(CASE WHEN r.ok THEN r.cd::bigint END) FILTER (WHERE r.n = r.tot),
                   array_agg(CASE WHEN r.ok THEN r.cc::bigint END) FILTER (WHERE r.n = r.tot),
                   array_agg(r.n) FILTER (WHERE r.n = r.tot), array_agg(r.ver) FILTER (WHERE r.n = r.tot)
            FROM r) q2;
    IF f_ok AND f_limits_ok THEN
      PERFORM set_config('backstop.ledger_path', 'fast', true);
      IF f_o IS NOT NULL THEN
        -- (c) The writes of the end of the loop, for the same rows: the transfers in batch order (so seq
        -- follows the batch), each touched account once with the same guarded increment, the history
        -- rows, the same audit row.
        INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, pending_id, entity_kind, entity_id)
        SELECT u.id, 'single', u.d, u.c, u.amt, u.ledger, u.code, NULL, u.ek, u.ei
        FROM unnest(f_o, f_id, f_d, f_c, f_amt, f_ledger, f_code, f_ek, f_ei) AS u(o, id, d, c, amt, ledger, code, ek, ei)
        ORDER BY u.o;
        v_touched := cardinality(u_id);
        UPDATE ledger_accounts a SET
          debits_pending = a.debits_pending + u.ddp, debits_posted = a.debits_posted + u.ddpo,
          credits_pending = a.credits_pending + u.dcp, credits_posted = a.credits_posted + u.dcpo,
          version = a.version + u.n
        FROM (SELECT x.id, 0::bigint AS ddp, x.ddpo, 0::bigint AS dcp, x.dcpo, x.n, x.ver0
              FROM unnest(u_id, u_ddpo, u_dcpo, u_n, u_ver0) AS x(id, ddpo, dcpo, n, ver0)) u
        WHERE a.id = u.id AND a.version = u.ver0
          AND ((a.flags & 1) = 0 OR (a.debits_pending + u.ddp)::numeric + (a.debits_posted + u.ddpo) <= a.credits_posted + u.dcpo)
          AND ((a.flags & 2) = 0 OR (a.credits_pending + u.dcp)::numeric + (a.credits_posted + u.dcpo) <= a.debits_posted + u.ddpo);
        GET DIAGNOSTICS v_updated = ROW_COUNT;
        IF v_updated <> v_touched THEN
          RAISE EXCEPTION 'ledger: guarded increment refused (% of % accounts updated)', v_updated, v_touched USING ERRCODE = 'P0003';
        END IF;
        INSERT INTO ledger_balances (account_id, version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
        SELECT * FROM unnest(h_acc, h_ver, h_tr, h_dp, h_dpo, h_cp, h_cpo);
        PERFORM audit_append(p_actor, 'ledger.batch', 'ledger', coalesce(p_batch->0->>'id', ''), NULL,
          jsonb_build_object('transfers', p_batch, 'results', to_jsonb(f_results)));
      END IF;
      RETURN to_jsonb(f_results);
    END IF;
  END IF;
  PERFORM set_config('backstop.ledger_path', 'exact', true);
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
