/**
 * API tokens (bank officers and managers): a bank's systems call the API with one
 * (`Authorization: Bearer …`). Listed without the secret — name, whose (a manager sees everyone's),
 * created, last used, revoked; a new one's secret is shown once, in a box to copy, with a warning
 * that it cannot be shown again; revoked at once after a confirmation.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createToken, revokeToken, TOKENS_KEY, useTokens } from '../api/accounts';
import type { ApiToken, NewApiToken } from '../api/types';
import { dateTime } from '../components/bits';
import { Field } from '../components/Field';
import { Loading, ProblemMessage } from '../components/Problem';
import { asApiError, splitErrors, type Notice } from './forms';

export function ApiTokens({ manager }: { manager: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const tokens = useTokens();
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const [fresh, setFresh] = useState<NewApiToken | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const create = useMutation({
    mutationFn: () => createToken(name.trim()),
    onSuccess: (made) => {
      setFresh(made);
      setName('');
      setTried(false);
      void qc.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  const { forField, other } = splitErrors(create.error ? asApiError(create.error) : null, ['name']);
  const nameError = tried && !name.trim() ? t('filing.required') : forField('name');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setNotice(null);
    create.reset();
    if (!name.trim()) return;
    setFresh(null);
    create.mutate();
  };
  const columns = manager ? 6 : 5;

  return (
    <section className="card tokens" aria-labelledby="tokens-h" data-testid="api-tokens" style={{ marginTop: 14 }}>
      <h2 id="tokens-h" style={{ marginTop: 0 }}>
        {t('tokens.title')}
      </h2>
      <p className="muted">{manager ? t('tokens.introManager') : t('tokens.intro')}</p>
      {fresh && <FreshToken made={fresh} onClose={() => setFresh(null)} />}
      {notice && (
        <p className="ok-box" role="status" data-testid="tokens-notice">
          {t(notice.key, notice.values)}
        </p>
      )}
      <form
        className="inline-form"
        onSubmit={submit}
        noValidate
        aria-label={t('tokens.create')}
        data-testid="token-form"
      >
        <Field label={t('tokens.name')} error={nameError} name="name" hint={t('tokens.nameHint')}>
          {(p) => (
            <input {...p} value={name} maxLength={100} autoComplete="off" onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <div className="row buttons">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? t('common.wait') : t('tokens.create')}
          </button>
        </div>
        {other && <ProblemMessage error={other} />}
      </form>
      {tokens.isPending ? (
        <Loading />
      ) : tokens.error ? (
        <ProblemMessage error={tokens.error} />
      ) : (
        <table data-testid="tokens" className="tokens-table stack">
          <thead>
            <tr>
              <th>{t('tokens.name')}</th>
              {manager && <th>{t('tokens.whose')}</th>}
              <th>{t('tokens.createdAt')}</th>
              <th>{t('tokens.lastUsedAt')}</th>
              <th>{t('tokens.state')}</th>
              <th>{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((x) => (
              <TokenRow
                key={x.id}
                token={x}
                manager={manager}
                onRevoked={(r) => setNotice({ key: 'tokens.revokedNotice', values: { name: r.name } })}
              />
            ))}
            {!tokens.data.length && (
              <tr>
                <td colSpan={columns} className="muted">
                  {t('tokens.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The secret of a new token, once: to copy now, for it is never shown again. */
function FreshToken({ made, onClose }: { made: NewApiToken; onClose: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'manual' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(made.token);
      setCopied('yes');
    } catch {
      // No clipboard (an insecure origin, a refused permission): the token is selected for Ctrl+C.
      input.current?.select();
      setCopied('manual');
    }
  };
  return (
    <div
      className="warn-box token-once"
      role="region"
      aria-label={t('tokens.onceTitle', { name: made.name })}
      data-testid="token-once"
    >
      <p>
        <strong>{t('tokens.onceTitle', { name: made.name })}</strong>
      </p>
      <p>{t('tokens.onceWarning')}</p>
      <div className="row token-copy">
        <input
          ref={input}
          readOnly
          value={made.token}
          aria-label={t('tokens.secret')}
          data-testid="token-secret"
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="primary" onClick={() => void copy()}>
          {t('tokens.copy')}
        </button>
      </div>
      {copied && (
        <p role="status" className={copied === 'yes' ? 'ok-text' : undefined}>
          {t(copied === 'yes' ? 'tokens.copied' : 'tokens.copyManually')}
        </p>
      )}
      <p className="hint">
        {t('tokens.usage')} <code>Authorization: Bearer …</code>
      </p>
      <button type="button" onClick={onClose}>
        {t('tokens.saved')}
      </button>
    </div>
  );
}

function TokenRow({
  token: x,
  manager,
  onRevoked,
}: {
  token: ApiToken;
  manager: boolean;
  onRevoked: (r: ApiToken) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: () => revokeToken(x.id),
    onSuccess: (after) => {
      qc.setQueryData<ApiToken[]>(TOKENS_KEY, (list) => list?.map((y) => (y.id === after.id ? after : y)));
      void qc.invalidateQueries({ queryKey: TOKENS_KEY });
      setConfirming(false);
      onRevoked(after);
    },
  });
  return (
    <tr data-token={x.name} data-revoked={!!x.revokedAt}>
      <td data-label={t('tokens.name')}>{x.name}</td>
      {manager && (
        <td data-label={t('tokens.whose')}>
          <code>{x.username}</code>
        </td>
      )}
      <td className="nowrap" data-label={t('tokens.createdAt')}>
        {dateTime(x.createdAt)}
      </td>
      <td className="nowrap" data-label={t('tokens.lastUsedAt')}>
        {x.lastUsedAt ? dateTime(x.lastUsedAt) : <span className="muted">{t('tokens.neverUsed')}</span>}
      </td>
      <td data-testid="token-state" data-label={t('tokens.state')}>
        {x.revokedAt ? (
          <span className="badge bad">{t('tokens.revokedAt', { at: dateTime(x.revokedAt) })}</span>
        ) : (
          <span className="badge active">{t('tokens.active')}</span>
        )}
      </td>
      <td className="token-actions">
        {!x.revokedAt &&
          (confirming ? (
            <div className="confirm" role="group" aria-label={t('tokens.confirmLabel', { name: x.name })}>
              <span>{t('tokens.confirmRevoke', { name: x.name })}</span>
              <button type="button" className="danger" disabled={revoke.isPending} onClick={() => revoke.mutate()}>
                {t('tokens.confirmRevokeButton')}
              </button>
              <button type="button" disabled={revoke.isPending} onClick={() => setConfirming(false)}>
                {t('users.cancel')}
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="danger"
              onClick={() => {
                revoke.reset();
                setConfirming(true);
              }}
            >
              {t('tokens.revoke')}
            </button>
          ))}
        {revoke.error && <ProblemMessage error={revoke.error} />}
      </td>
    </tr>
  );
}
