/**
 * Webhook endpoints of a bank's systems (bank officers their own, managers any bank's): listed
 * without the secret, which is in the answer to registering or rotating only; each endpoint's
 * delivery log, and replaying a delivery.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointInput, WebhookEndpointWithSecret } from './types';

export const WEBHOOKS_KEY = ['webhooks'] as const;
export const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const;

export function useWebhooks(enabled = true) {
  return useQuery({
    queryKey: WEBHOOKS_KEY,
    enabled,
    queryFn: async () => (await api<{ items: WebhookEndpoint[] }>('/api/webhooks')).items,
  });
}

export function useDeliveries(id: string) {
  return useQuery({
    queryKey: deliveriesKey(id),
    queryFn: async () =>
      (await api<{ items: WebhookDelivery[] }>(`/api/webhooks/${encodeURIComponent(id)}/deliveries?limit=20`)).items,
  });
}

const at = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;
export const createWebhook = (body: WebhookEndpointInput) =>
  api<WebhookEndpointWithSecret>('/api/webhooks', { method: 'POST', body });
export const setWebhookActive = (id: string, active: boolean) =>
  api<WebhookEndpoint>(at(id), { method: 'PATCH', body: { active } });
export const rotateWebhookSecret = (id: string) =>
  api<WebhookEndpointWithSecret>(`${at(id)}/rotate-secret`, { method: 'POST' });
export const deleteWebhook = (id: string) => api<WebhookEndpoint>(at(id), { method: 'DELETE' });
export const replayDelivery = (id: string) =>
  api<WebhookDelivery>(`/api/webhooks/deliveries/${encodeURIComponent(id)}/replay`, { method: 'POST' });
