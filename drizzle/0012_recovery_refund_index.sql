-- G4's refunded figure for one bank (src/modules/claims/breaker.usecases.ts bankFigures: the
-- recovery-refund transfers of the bank's recoveries) read the whole of ledger_transfers, which
-- holds every reservation, release and claim transfer: ~65 ms over a million loans, on every claim
-- submitted, approved or paid and on a bank's own report. A partial index on the refund transfers
-- alone (one row per recovery; nothing added to the other transfers' writes) makes it ~8 ms
-- (docs/PERFORMANCE.md, "Reports over a million loans").
CREATE INDEX ledger_transfers_recovery_refund_ix ON ledger_transfers (entity_id) WHERE code = 'recovery-refund';
