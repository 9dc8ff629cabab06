/**
 * Bulk upload of a bank's CSV/XLSX file: POST /api/imports (multipart `file`) with an upload
 * progress bar, then the import's progress polled from GET /api/imports/{id}, then the row-error
 * report from GET /api/imports/{id}/errors, each row's errors beside its row number and field.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError, changed, inLanguage, localError, newKey, type FieldError } from '../api/client';
import type { ImportJob } from '../api/types';
import { Field } from '../components/Field';
import { ProblemMessage } from '../components/Problem';

interface RowError {
  row: string;
  column: string;
  zh: string;
  en: string;
  code: string;
  bankRef: string;
}

/** A small CSV reader for the error report (quoted cells, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      cell = '';
      if (row.some((c) => c !== '')) rows.push(row);
      row = [];
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function upload(file: File, onProgress: (p: number) => void): Promise<ImportJob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports');
    const csrf = /(?:^|;\s*)backstop_csrf=([^;]+)/.exec(document.cookie);
    if (csrf) xhr.setRequestHeader('x-csrf-token', decodeURIComponent(csrf[1]!));
    xhr.setRequestHeader('idempotency-key', newKey());
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'network', undefined, []));
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportJob);
      else
        reject(
          new ApiError(
            xhr.status,
            String(body.title ?? xhr.statusText),
            body.detail as string | undefined,
            Array.isArray(body.errors) ? (body.errors as FieldError[]) : [],
            body.detailZh as string | undefined,
          ),
        );
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

const finished = (j: ImportJob | undefined) =>
  j?.status === 'done' || j?.status === 'failed' || j?.status === 'interrupted';

export default function UploadPage() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState(0);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const status = useQuery({
    queryKey: ['import', job?.id],
    enabled: !!job?.id,
    queryFn: () => api<ImportJob>(`/api/imports/${job!.id}`),
    refetchInterval: (q) => (finished(q.state.data) ? false : 500),
  });
  const current = status.data ?? job ?? undefined;
  // The job's filings are in once it ends: the lists are read again (once per job).
  const ended = finished(current) ? current?.id : undefined;
  useEffect(() => {
    if (ended) changed();
  }, [ended]);
  const errors = useQuery({
    queryKey: ['import-errors', job?.id],
    enabled: finished(current),
    queryFn: async (): Promise<RowError[]> => {
      const text = await api<string>(`/api/imports/${job!.id}/errors`, { headers: { accept: 'text/csv' } });
      const [header, ...rows] = parseCsv(typeof text === 'string' ? text : '');
      const at = (name: RegExp) =>
        Math.max(
          0,
          (header ?? []).findIndex((h) => name.test(h)),
        );
      const ref = (header ?? []).findIndex((h) => /合同编号|bankRef/i.test(h));
      return rows.map((r) => ({
        row: r[at(/行号|line/)] ?? '',
        column: r[at(/列|column/)] ?? '',
        zh: r[at(/原因/)] ?? '',
        en: r[at(/^reason$/)] ?? '',
        code: r[at(/代码|code/)] ?? '',
        bankRef: ref >= 0 ? (r[ref] ?? '') : '',
      }));
    },
  });
  const errorRows = errors.data ?? [];
  const progress = finished(current) ? 1 : (current?.progress ?? 0);
  const accepted = current?.filed ?? 0;
  const refused = current?.rejected ?? 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setError(new ApiError(400, 'file', undefined, [localError('file', t('upload.chooseFile'))]));
      return;
    }
    setError(null);
    setJob(null);
    setSent(0);
    try {
      setJob(await upload(file, setSent));
    } catch (x) {
      setError(x instanceof ApiError ? x : new ApiError(0, 'network', undefined, []));
    }
  }

  return (
    <>
      <p>
        <Link to="/filings">← {t('nav.filings')}</Link>
      </p>
      <h1>{t('filing.upload')}</h1>
      <p className="muted">{t('upload.explain')}</p>
      <form className="card" onSubmit={submit} noValidate>
        <Field label={t('upload.file')} error={error?.forField('file')} name="file" hint={t('upload.formats')}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <button type="submit" className="primary">
          {t('upload.start')}
        </button>
        {(sent > 0 || job) && (
          <div style={{ marginTop: 12 }}>
            <label htmlFor="up-progress">{t('upload.sending')}</label>
            <progress id="up-progress" className="progress" max={1} value={sent} />
          </div>
        )}
        {current && (
          <div style={{ marginTop: 8 }} data-testid="import-status">
            <label htmlFor="imp-progress">{t('upload.processing')}</label>
            <progress id="imp-progress" className="progress" max={1} value={progress} />
            <p role="status">
              {current.error
                ? inLanguage(current.error)
                : current.status === 'failed'
                  ? t('upload.failed')
                  : current.status === 'interrupted'
                    ? t('upload.interrupted', { done: current.lastLine ?? 0 })
                    : finished(current)
                      ? t('upload.finished', { accepted, refused })
                      : t('upload.progress', { done: current.lastLine ?? 0 })}
            </p>
          </div>
        )}
      </form>
      {error && !error.forField('file') && <ProblemMessage error={error} />}
      {finished(current) && (
        <>
          <h2>
            {t('upload.errors')}{' '}
            <a className="btn" href={`/api/imports/${job!.id}/errors`} download>
              {t('upload.download')}
            </a>
          </h2>
          <table data-testid="row-errors">
            <thead>
              <tr>
                <th>{t('upload.row')}</th>
                <th>{t('filing.bankRef')}</th>
                <th>{t('upload.field')}</th>
                <th>{t('upload.message')}</th>
              </tr>
            </thead>
            <tbody>
              {errorRows.map((r, i) => (
                <tr key={`${r.row}-${i}`} data-row={r.row}>
                  <td>{r.row}</td>
                  <td>{r.bankRef}</td>
                  <td>
                    <code>{r.column}</code>
                  </td>
                  <td className="error">{inLanguage(r)}</td>
                </tr>
              ))}
              {!errorRows.length && (
                <tr>
                  <td colSpan={4} className="muted">
                    {t('upload.noErrors')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
