/**
 * The service worker served as /admin/sw.js: shows alert push messages and opens the alerts page when one is
 * clicked. Built as its own entry with no imports, so the output is a classic script every browser can register.
 *
 * The app compiles against the DOM library, which cannot be combined with the WebWorker one; the few worker
 * types used here are declared by hand.
 */

interface PushPayload {
  type?: string;
  alert_id?: string;
  severity?: string;
  title?: string;
  body?: string;
}

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

interface PushEvent extends ExtendableEvent {
  data: { json(): unknown; text(): string } | null;
}

interface NotificationClickEvent extends ExtendableEvent {
  notification: Notification & { close(): void; data: unknown };
}

interface WindowClient {
  url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
}

interface WorkerScope {
  location: Location;
  registration: { showNotification(title: string, options: NotificationOptions & { renotify?: boolean }): Promise<void> };
  clients: { matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>; openWindow(url: string): Promise<WindowClient | null> };
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationClickEvent) => void): void;
}

const worker = self as unknown as WorkerScope;
const ALERTS_URL = '/admin/#/alerts';

function readPayload(event: PushEvent): PushPayload {
  if (!event.data) return {};
  try {
    const parsed = event.data.json();
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return { body: event.data.text() };
  }
}

worker.addEventListener('push', (event) => {
  const payload = readPayload(event);
  event.waitUntil(
    worker.registration.showNotification(payload.title || 'SmartPay', {
      body: payload.body ?? '',
      tag: payload.alert_id,
      renotify: Boolean(payload.alert_id),
      requireInteraction: payload.severity === 'critical',
      data: { url: ALERTS_URL },
    }),
  );
});

async function openAlerts(): Promise<void> {
  const url = new URL(ALERTS_URL, worker.location.origin).href;
  const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => w.url.startsWith(`${worker.location.origin}/admin/`));
  if (!open) {
    await worker.clients.openWindow(url);
    return;
  }
  // navigate() works only on a window this worker controls; otherwise just bring it forward.
  const navigated = await open.navigate(url).catch(() => null);
  await (navigated ?? open).focus();
}

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openAlerts());
});
