/**
 * Webhooks (bank officers and managers): the endpoints a bank's systems receive signed events at.
 * Registering one shows its secret once, to copy; each endpoint can be paused, its secret rotated
 * (shown once again), deleted after a confirmation, and its delivery log opened, where a delivered,
 * failed or cancelled delivery can be sent again.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  createWebhook,
  deleteWebhook,
  deliveriesKey,
  replayDelivery,
  rotateWebhookSecret,
  setWebhookActive,
  useDeliveries,
  useWebhooks,
  WEBHOOKS_KEY,
} from '../api/webhooks';
import { inLanguage } from '../api/client';
import type { WebhookEndpoint, WebhookEndpointInput, WebhookEndpointWithSecret } from '../api/types';
import { dateTime } from '../components/bits';
import { Field } from '../components/Field';
import { Loading, ProblemMessage } from '../components/Problem';
import { asApiError, splitErrors } from './forms';
import { BankName } from '../components/names';

const DEFAULT_EVENTS = 'filing.*, claim.*';

export function Webhooks({ manager }: { manager: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const hooks = useWebhooks();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState(DEFAULT_EVENTS);
  const [bankId, setBankId] = useState('');
  const [fresh, setFresh] = useState<WebhookEndpointWithSecret | null>(null);
  const create = useMutation({
    mutationFn: () =>
      createWebhook({
        url: url.trim(),
        events: events
          .split(/[,\s]+/)
          .map((e) => e.trim())
          .filter(Boolean) as WebhookEndpointInput['events'],
        ...(manager ? { bankId: bankId.trim() } : {}),
      }),
    onSuccess: (made) => {
      setFresh(made);
      setUrl('');
      void qc.invalidateQueries({ queryKey: WEBHOOKS_KEY });
    },
  });
  const { forField, other } = splitErrors(create.error ? asApiError(create.error) : null, ['url', 'bankId']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFresh(null);
    create.reset();
    create.mutate();
  };
  const eventsFieldError = create.error
    ? asApiError(create.error).sent.find((x) => x.field.startsWith('events'))
    : undefined;
  const eventsError = eventsFieldError ? inLanguage(eventsFieldError) : undefined;

  return (
    <section className="card" aria-labelledby="webhooks-h" data-testid="webhooks" style={{ marginTop: 14 }}>
      <h2 id="webhooks-h" style={{ marginTop: 0 }}>
        {t('webhooks.title')}
      </h2>
      <p className="muted">{t('webhooks.intro')}</p>
      {fresh && <FreshSecret made={fresh} onClose={() => setFresh(null)} />}
      <form className="inline-form" onSubmit={submit} noValidate aria-label={t('webhooks.create')}>
        {manager && (
          <Field label={t('webhooks.bank')} error={forField('bankId')} name="bankId">
            {(p) => <input {...p} value={bankId} maxLength={100} onChange={(e) => setBankId(e.target.value)} />}
          </Field>
        )}
        <Field label={t('webhooks.url')} error={forField('url')} name="url" hint={t('webhooks.urlHint')}>
          {(p) => (
            <input
              {...p}
              value={url}
              maxLength={2000}
              placeholder="https://api.bank.example/backstop/events"
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('webhooks.events')} error={eventsError} name="events" hint={t('webhooks.eventsHint')}>
          {(p) => <input {...p} value={events} onChange={(e) => setEvents(e.target.value)} />}
        </Field>
        <div className="row buttons">
          <button type="submit" className="primary" disabled={create.isPending || !url.trim()}>
            {create.isPending ? t('common.wait') : t('webhooks.create')}
          </button>
        </div>
        {other && !eventsError && <ProblemMessage error={other} />}
      </form>
      {hooks.isPending ? (
        <Loading />
      ) : hooks.error ? (
        <ProblemMessage error={hooks.error} />
      ) : hooks.data.length === 0 ? (
        <p className="muted">{t('webhooks.none')}</p>
      ) : (
        hooks.data.map((h) => <EndpointCard key={h.id} hook={h} manager={manager} onSecret={setFresh} />)
      )}
    </section>
  );
}

function FreshSecret({ made, onClose }: { made: WebhookEndpointWithSecret; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="warn-box token-once" role="region" aria-label={t('webhooks.onceTitle')} data-testid="webhook-once">
      <p>
        <strong>{t('webhooks.onceTitle')}</strong> <code>{made.url}</code>
      </p>
      <p>{t('webhooks.onceWarning')}</p>
      <div className="row token-copy">
        <input
          readOnly
          value={made.secret}
          aria-label={t('webhooks.secret')}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
      </div>
      <p className="hint">{t('webhooks.verifyHint')}</p>
      <button type="button" onClick={onClose}>
        {t('tokens.saved')}
      </button>
    </div>
  );
}

function EndpointCard({
  hook: h,
  manager,
  onSecret,
}: {
  hook: WebhookEndpoint;
  manager: boolean;
  onSecret: (made: WebhookEndpointWithSecret) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const done = () => void qc.invalidateQueries({ queryKey: WEBHOOKS_KEY });
  const toggle = useMutation({ mutationFn: () => setWebhookActive(h.id, !h.active), onSuccess: done });
  const rotate = useMutation({
    mutationFn: () => rotateWebhookSecret(h.id),
    onSuccess: (made) => {
      onSecret(made);
      done();
    },
  });
  const remove = useMutation({ mutationFn: () => deleteWebhook(h.id), onSuccess: done });
  const error = toggle.error ?? rotate.error ?? remove.error;
  return (
    <div className="card" data-webhook={h.url} style={{ marginTop: 10 }}>
      <p style={{ marginTop: 0 }}>
        <code>{h.url}</code>{' '}
        <span className={`badge ${h.active ? 'active' : 'warn'}`}>
          {h.active ? t('webhooks.active') : t('webhooks.paused')}
        </span>
      </p>
      <p className="muted">
        {manager && (
          <>
            {t('webhooks.bank')}: <BankName id={h.bankId} /> ·{' '}
          </>
        )}
        {t('webhooks.events')}: <code>{h.events.join(', ')}</code> · {t('webhooks.createdAt')} {dateTime(h.createdAt)}
      </p>
      <div className="row buttons">
        <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
          {t('webhooks.deliveries')}
        </button>
        <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {h.active ? t('webhooks.pause') : t('webhooks.resume')}
        </button>
        <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
          {t('webhooks.rotate')}
        </button>
        {confirming ? (
          <span className="confirm" role="group">
            <span>{t('webhooks.confirmDelete')}</span>
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
              {t('webhooks.delete')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('users.cancel')}
            </button>
          </span>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t('webhooks.delete')}
          </button>
        )}
      </div>
      {error && <ProblemMessage error={error} />}
      {open && <Deliveries endpointId={h.id} />}
    </div>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const log = useDeliveries(endpointId);
  const replay = useMutation({
    mutationFn: (id: string) => replayDelivery(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: deliveriesKey(endpointId) }),
  });
  if (log.isPending) return <Loading />;
  if (log.error) return <ProblemMessage error={log.error} />;
  if (!log.data.length) return <p className="muted">{t('webhooks.noDeliveries')}</p>;
  return (
    <>
      <table className="stack" data-testid="webhook-deliveries">
        <thead>
          <tr>
            <th>{t('webhooks.event')}</th>
            <th>{t('webhooks.status')}</th>
            <th>{t('webhooks.attempts')}</th>
            <th>{t('webhooks.lastAnswer')}</th>
            <th>{t('webhooks.nextAttempt')}</th>
            <th>{t('users.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {log.data.map((d) => (
            <tr key={d.id}>
              <td data-label={t('webhooks.event')}>
                <code>{d.eventType}</code>
                <div className="muted nowrap">{dateTime(d.createdAt)}</div>
              </td>
              <td data-label={t('webhooks.status')}>
                <span className={`badge ${d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn'}`}>
                  {t(`webhooks.state.${d.status}`)}
                </span>
              </td>
              <td data-label={t('webhooks.attempts')}>{d.attempts}</td>
              <td data-label={t('webhooks.lastAnswer')}>
                {d.lastResponseStatus ?? (d.lastError ? <span className="muted">{d.lastError}</span> : '—')}
              </td>
              <td className="nowrap" data-label={t('webhooks.nextAttempt')}>
                {d.nextAttemptAt ? dateTime(d.nextAttemptAt) : '—'}
              </td>
              <td>
                {d.status !== 'pending' && (
                  <button type="button" disabled={replay.isPending} onClick={() => replay.mutate(d.id)}>
                    {t('webhooks.replay')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {replay.error && <ProblemMessage error={replay.error} />}
    </>
  );
}
