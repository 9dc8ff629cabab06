/**
 * How this loan is proved in the hash-chained audit log (GET /api/filings/{id}/proof): filed on its
 * own, its own row; filed in bulk, its leaf's Merkle path to the root its chunk's one row records —
 * and whether the chunk's loans as they stand still give that root. The proof downloads as JSON for
 * checking outside the app.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { FilingProof } from '../api/types';
import { ProblemMessage } from '../components/Problem';

const short = (hash: string) => `${hash.slice(0, 16)}…`;

export function ProofCard({ filingId, bankRef }: { filingId: string; bankRef: string }) {
  const { t } = useTranslation();
  const path = `/api/filings/${encodeURIComponent(filingId)}/proof`;
  const proof = useQuery({ queryKey: ['filing-proof', filingId], queryFn: () => api<FilingProof>(path), retry: false });
  const p = proof.data;
  return (
    <section className="card" data-testid="filing-proof" style={{ marginTop: 14 }}>
      <h2 style={{ marginTop: 0 }}>{t('proof.title')}</h2>
      {proof.error ? (
        <ProblemMessage error={proof.error} />
      ) : !p ? (
        <p className="muted">{t('common.loading')}</p>
      ) : p.kind === 'row' ? (
        p.audit ? (
          <p data-proof="row">
            {t('proof.ownRow', { seq: p.audit.seq })} <code title={p.audit.hash}>{short(p.audit.hash)}</code>
          </p>
        ) : (
          <p className="error" data-proof="missing">
            {t('proof.noRow')}
          </p>
        )
      ) : (
        <>
          <p data-proof="chunk" data-verified={String(p.verified)}>
            {t('proof.chunk', {
              first: p.audit.firstLine,
              last: p.audit.lastLine,
              index: p.index + 1,
              count: p.count,
              seq: p.audit.seq,
            })}{' '}
            <span className={`badge ${p.verified ? 'ok' : 'bad'}`}>
              {p.verified ? t('proof.verified') : t('proof.differs')}
            </span>
          </p>
          <dl className="props">
            <dt>{t('proof.root')}</dt>
            <dd>
              <code title={p.merkleRoot}>{short(p.merkleRoot)}</code>
            </dd>
            <dt>{t('proof.leaf')}</dt>
            <dd>
              <code title={p.leafHash}>{short(p.leafHash)}</code>
            </dd>
            <dt>{t('proof.steps')}</dt>
            <dd>{p.path.length}</dd>
          </dl>
        </>
      )}
      <p style={{ marginBottom: 0 }}>
        <a href={path} download={`proof-${bankRef}.json`}>
          {t('proof.download')}
        </a>
      </p>
    </section>
  );
}
