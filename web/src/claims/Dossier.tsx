/**
 * A claim's dossier (申请材料, R20): the programme's checklist with each item's state and files.
 * The bank drops files on an item (or picks them); a manager ticks each item, accepted or rejected
 * with a note; anyone who sees the claim downloads the files. The server judges every file by its
 * content and says why it refuses one.
 */
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { Dossier as DossierData } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { Badge, dateTime } from '../components/bits';
import { Loading, ProblemMessage } from '../components/Problem';
import { pick } from '../i18n';

type Item = DossierData['items'][number];

const ACCEPT =
  '.pdf,.jpg,.jpeg,.png,.xlsx,.docx,application/pdf,image/jpeg,image/png,' +
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,' +
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Bytes as KB or MB, in integers and tenths (no money here). */
const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * What the dossier means for the claim now: nothing is said missing once the claim is decided (the
 * checklist is as it was then) or where the server waives the dossier (R20).
 */
function summary(d: DossierData, t: (key: string, opts?: Record<string, unknown>) => string): string {
  if (d.items.length === 0) return t('dossier.none');
  if (d.decided) return t('dossier.decided');
  if (d.waived) return t('dossier.waived');
  return d.complete ? t('dossier.complete') : t('dossier.incomplete', { count: d.missing.length });
}

/** `claimState`: the claim as the page shows it; the dossier is read again when it moves (decided, returned…). */
export function Dossier({ claimId, claimState }: { claimId: string; claimState: string }) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const qc = useQueryClient();
  const path = `/api/claims/${encodeURIComponent(claimId)}/materials`;
  const dossier = useQuery({ queryKey: ['dossier', claimId], queryFn: () => api<DossierData>(path) });
  const shownState = dossier.data?.claimState;
  const { refetch } = dossier;
  useEffect(() => {
    if (shownState !== undefined && shownState !== claimState) void refetch();
  }, [claimState, shownState, refetch]);
  const refresh = (d: DossierData) => {
    qc.setQueryData(['dossier', claimId], d);
    void qc.invalidateQueries({ queryKey: ['claim', claimId] });
  };
  const upload = useMutation({
    mutationFn: ({ itemId, file }: { itemId: string; file: File }) => {
      const form = new FormData();
      form.set('itemId', itemId);
      form.set('file', file, file.name);
      return api<DossierData>(path, { method: 'POST', body: form });
    },
    onSuccess: refresh,
  });
  const review = useMutation({
    mutationFn: ({ itemId, decision, note }: { itemId: string; decision: 'accepted' | 'rejected'; note?: string }) =>
      api<DossierData>(`${path}/items/${encodeURIComponent(itemId)}/review`, {
        method: 'POST',
        body: { decision, ...(note ? { note } : {}) },
      }),
    onSuccess: refresh,
  });

  if (dossier.isPending) return <Loading />;
  const d = dossier.data;
  if (!d) return <ProblemMessage error={dossier.error} />;
  const mayUpload = d.open && user?.role === 'bank';
  const mayReview = d.open && can(user, 'manager');
  const upErr = upload.error instanceof ApiError ? upload.error : null;
  const revErr = review.error instanceof ApiError ? review.error : null;

  return (
    <section data-testid="dossier">
      <h2>{t('dossier.title')}</h2>
      <p className={d.complete && !d.decided ? 'ok-box' : 'muted'} data-testid="dossier-summary">
        {summary(d, t)}
      </p>
      {d.items.length > 0 && (
        <table data-testid="dossier-items">
          <thead>
            <tr>
              <th>{t('dossier.item')}</th>
              <th>{t('dossier.state')}</th>
              <th>{t('dossier.files')}</th>
              {(mayUpload || mayReview) && <th>{t('dossier.action')}</th>}
            </tr>
          </thead>
          <tbody>
            {d.items.map((item) => (
              <Row
                key={item.id}
                item={item}
                lang={i18n.language}
                base={path}
                mayUpload={mayUpload}
                mayReview={mayReview}
                busy={upload.isPending || review.isPending}
                onFile={(file) => upload.mutate({ itemId: item.id, file })}
                onReview={(decision, note) => review.mutate({ itemId: item.id, decision, note })}
              />
            ))}
          </tbody>
        </table>
      )}
      {upErr && <ProblemMessage error={upErr} />}
      {revErr && <ProblemMessage error={revErr} />}
    </section>
  );
}

function Row({
  item,
  lang,
  base,
  mayUpload,
  mayReview,
  busy,
  onFile,
  onReview,
}: {
  item: Item;
  lang: string;
  base: string;
  mayUpload: boolean;
  mayReview: boolean;
  busy: boolean;
  onFile: (file: File) => void;
  onReview: (decision: 'accepted' | 'rejected', note?: string) => void;
}) {
  const { t } = useTranslation();
  const [over, setOver] = useState(false);
  const [note, setNote] = useState('');
  const inputId = `dossier-file-${item.id}`;
  return (
    <tr data-testid={`dossier-item-${item.id}`} data-state={item.state}>
      <td>
        <strong>{pick(item.title, lang)}</strong>
        {item.required ? (
          <span className="badge bad">{t('dossier.required')}</span>
        ) : (
          <span className="badge">{t('dossier.optional')}</span>
        )}
        {item.note && <div className="muted">{pick(item.note, lang)}</div>}
      </td>
      <td>
        <Badge kind="dossier" value={item.state} />
        {item.review?.note && <div className="muted">{item.review.note}</div>}
        {item.review && (
          <div className="muted">
            {item.review.reviewedBy} · {dateTime(item.review.reviewedAt)}
          </div>
        )}
      </td>
      <td>
        {item.files.length === 0 && <span className="muted">—</span>}
        {item.files.map((f) => (
          <div key={f.id}>
            <a href={`${base}/${encodeURIComponent(f.id)}`} download={f.fileName} title={`SHA-256 ${f.sha256}`}>
              {f.fileName}
            </a>{' '}
            <span className="muted">
              {f.kind.toUpperCase()} · {size(f.bytes)} · {f.uploadedBy} · {dateTime(f.uploadedAt)}
            </span>
          </div>
        ))}
      </td>
      {(mayUpload || mayReview) && (
        <td>
          {mayUpload && (
            <div
              className={`dropzone${over ? ' over' : ''}`}
              data-testid={`dropzone-${item.id}`}
              onDragOver={(e) => {
                e.preventDefault();
                setOver(true);
              }}
              onDragLeave={() => setOver(false)}
              onDrop={(e) => {
                e.preventDefault();
                setOver(false);
                const file = e.dataTransfer.files[0];
                if (file && !busy) onFile(file);
              }}
            >
              <span>{t('dossier.drop')}</span>{' '}
              <label htmlFor={inputId} className="btn">
                {t('dossier.pick')}
              </label>
              <input
                id={inputId}
                type="file"
                accept={ACCEPT}
                hidden
                disabled={busy}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) onFile(file);
                }}
              />
            </div>
          )}
          {mayReview && item.files.length > 0 && (
            <div className="row">
              <button type="button" disabled={busy} onClick={() => onReview('accepted')}>
                {t('dossier.accept')}
              </button>
              <input
                aria-label={t('dossier.rejectNote')}
                placeholder={t('dossier.rejectNote')}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
              <button type="button" className="danger" disabled={busy} onClick={() => onReview('rejected', note)}>
                {t('dossier.reject')}
              </button>
            </div>
          )}
        </td>
      )}
    </tr>
  );
}
