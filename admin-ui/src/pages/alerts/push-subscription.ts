import { apiGet, apiPost, appPath } from '../../api/client';

export type PushSupport = 'supported' | 'unsupported' | 'insecure';

export function pushSupport(): PushSupport {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  // Browsers offer push only on https (or localhost).
  return window.isSecureContext ? 'supported' : 'insecure';
}

function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(padded);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * Registers /admin/sw.js, subscribes this browser with the app's VAPID key and hands the subscription to
 * SmartPay (which keeps one row per browser, so enabling twice is harmless).
 */
export async function enablePush(appId: string): Promise<NotificationPermission> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission;
  const registration = await navigator.serviceWorker.register('/admin/sw.js', { scope: '/admin/' });
  await navigator.serviceWorker.ready;
  const { public_key } = await apiGet<{ public_key: string }>(appPath(appId, '/alerts/push-key'));
  let subscription = await registration.pushManager.getSubscription();
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(public_key) });
  }
  const json = subscription.toJSON();
  await apiPost(appPath(appId, '/alerts/push-subscriptions'), {
    endpoint: json.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth },
  });
  return permission;
}
