import { Alert, Center, Loader } from '@mantine/core';
import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { Loading } from './components/loading';
import { ProblemAlert } from './components/problem-alert';
import { useI18n } from './i18n/i18n-context';
import { AppLayout } from './layout/app-layout';
import { navigate, useRoute, type Route } from './routing/router';
import { LoginPage } from './pages/login-page';
import { useSession } from './session/session-context';

// One chunk per page: the charts library, the biggest dependency, loads only with the overview.
const AlertsPage = lazy(() => import('./pages/alerts/alerts-page').then((m) => ({ default: m.AlertsPage })));
const AuditLogPage = lazy(() => import('./pages/audit-log-page').then((m) => ({ default: m.AuditLogPage })));
const CreditsPage = lazy(() => import('./pages/credits-page').then((m) => ({ default: m.CreditsPage })));
const CustomerPage = lazy(() => import('./pages/customers/customer-page').then((m) => ({ default: m.CustomerPage })));
const CustomersPage = lazy(() => import('./pages/customers/customers-page').then((m) => ({ default: m.CustomersPage })));
const GatewaysPage = lazy(() => import('./pages/gateways-page').then((m) => ({ default: m.GatewaysPage })));
const JobsPage = lazy(() => import('./pages/jobs-page').then((m) => ({ default: m.JobsPage })));
const NotFoundPage = lazy(() => import('./pages/not-found-page').then((m) => ({ default: m.NotFoundPage })));
const OrderPage = lazy(() => import('./pages/order/order-page').then((m) => ({ default: m.OrderPage })));
const OrdersPage = lazy(() => import('./pages/orders-page').then((m) => ({ default: m.OrdersPage })));
const OverviewPage = lazy(() => import('./pages/overview/overview-page').then((m) => ({ default: m.OverviewPage })));
const ReconciliationPage = lazy(() => import('./pages/reconciliation-page').then((m) => ({ default: m.ReconciliationPage })));
const ReportsPage = lazy(() => import('./pages/reports/reports-page').then((m) => ({ default: m.ReportsPage })));

/** Pages that show one app's data need an app chosen first. */
function needsApp(section: string): boolean {
  return !['gateways', 'jobs', 'audit-log'].includes(section);
}

function page(route: Route, appId: string): ReactNode {
  const [section, id] = route.segments;
  switch (section) {
    case 'overview':
      return <OverviewPage appId={appId} />;
    case 'gateways':
      return <GatewaysPage appId={appId} />;
    case 'orders':
      return id ? <OrderPage key={id} appId={appId} orderId={id} /> : <OrdersPage key={route.params.toString()} appId={appId} params={route.params} />;
    case 'customers':
      return id ? <CustomerPage key={id} appId={appId} customerId={id} /> : <CustomersPage appId={appId} />;
    case 'credits':
      return <CreditsPage appId={appId} />;
    case 'alerts':
      return <AlertsPage appId={appId} />;
    case 'jobs':
      return <JobsPage />;
    case 'reconciliation':
      return <ReconciliationPage appId={appId} />;
    case 'reports':
      return <ReportsPage appId={appId} />;
    case 'audit-log':
      return <AuditLogPage />;
    default:
      return <NotFoundPage />;
  }
}

export function App() {
  const { t } = useI18n();
  const { session, appId, appsError, apps } = useSession();
  const route = useRoute();
  const section = route.segments[0] ?? '';

  useEffect(() => {
    if (session && (section === '' || section === 'login')) navigate('/overview', undefined, true);
  }, [session, section]);

  // A detail page of one app means nothing in another: switching apps goes back to the list.
  const shownApp = useRef(appId);
  useEffect(() => {
    if (shownApp.current && appId && shownApp.current !== appId && route.segments.length > 1) navigate(`/${section}`, undefined, true);
    shownApp.current = appId;
  }, [appId, route.segments.length, section]);

  if (session === undefined) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (session === null) return <LoginPage />;

  let content: ReactNode;
  if (appsError) content = <ProblemAlert problem={appsError} />;
  else if (!appId && needsApp(section)) content = apps.length === 0 ? <Alert color="yellow">{t('header.noApps')}</Alert> : <Loader role="status" aria-label={t('common.loading')} />;
  else content = page(route, appId ?? '');

  return (
    <AppLayout section={section}>
      {/* Remount on app change: an order of one app is not another app's. */}
      <div key={appId ?? 'none'}>
        <Suspense fallback={<Loading />}>{content}</Suspense>
      </div>
    </AppLayout>
  );
}
