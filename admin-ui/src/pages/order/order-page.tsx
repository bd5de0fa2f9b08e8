import { Anchor, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { appPath, query } from '../../api/client';
import type { ListOf, Order, OrderActivity, Refund } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Loading } from '../../components/loading';
import { useNotify } from '../../components/notifications';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { formatMoney } from '../../format/money';
import { useI18n } from '../../i18n/i18n-context';
import { href } from '../../routing/router';
import { useSession } from '../../session/session-context';
import { OrderActivitySection } from './order-activity';
import { OrderCharges } from './order-charges';
import { OrderRefunds } from './order-refunds';
import { OrderSummary } from './order-summary';
import { RefundModal } from './refund-modal';
import { useCharges } from './use-charges';

export function OrderPage({ appId, orderId }: { appId: string; orderId: string }) {
  const { t, label } = useI18n();
  const { isAdmin } = useSession();
  const notify = useNotify();
  const [refunding, setRefunding] = useState(false);
  const [version, setVersion] = useState(0);
  // The modal unmounts when closed, before Mantine could return focus: put it back on the button that opened it.
  const refundButton = useRef<HTMLButtonElement>(null);
  const closeRefund = () => {
    setRefunding(false);
    window.requestAnimationFrame(() => refundButton.current?.focus());
  };
  const id = encodeURIComponent(orderId);
  const order = useApi<Order>(appPath(appId, `/orders/${id}`));
  const refunds = useApi<ListOf<Refund>>(appPath(appId, `/refunds${query({ order_id: orderId, limit: 100 })}`));
  const activity = useApi<OrderActivity>(`/apps/${encodeURIComponent(appId)}/orders/${id}/activity`);
  const charges = useCharges(appId, orderId, version);

  function refunded(refund: Refund) {
    closeRefund();
    notify({ color: refund.status === 'failed' ? 'red' : 'green', title: t('refund.created', { amount: formatMoney(refund.amount, refund.currency) }), message: label('refundStatus', refund.status) });
    setVersion((v) => v + 1);
    order.reload();
    refunds.reload();
    activity.reload();
  }

  return (
    <>
      <PageHeader title={t('order.title', { id: orderId })} />
      <Text size="sm" mb="sm">
        <Anchor href={href('/orders')}>← {t('order.back')}</Anchor>
      </Text>
      <ProblemAlert problem={order.error} />
      {order.loading && !order.data && <Loading />}
      {order.data && (
        <>
          <OrderSummary appId={appId} order={order.data} canRefund={isAdmin} onRefund={() => setRefunding(true)} refundButtonRef={refundButton} />
          <OrderCharges charges={charges.charges} error={charges.error} />
          <OrderRefunds refunds={refunds} />
          <OrderActivitySection appId={appId} activity={activity} isAdmin={isAdmin} />
          {refunding && <RefundModal appId={appId} order={order.data} onClose={closeRefund} onRefunded={refunded} />}
        </>
      )}
    </>
  );
}
