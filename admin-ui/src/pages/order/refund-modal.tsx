import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { apiRequest, appPath } from '../../api/client';
import { newIdempotencyKey } from '../../api/idempotency';
import { ApiProblem, networkProblem } from '../../api/problem';
import type { Order, Refund } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { REFUND_REASONS } from '../../domain/values';
import { formatMoney, minorToInput, parseMoneyInput } from '../../format/money';
import { useI18n } from '../../i18n/i18n-context';

interface Props {
  appId: string;
  order: Order;
  onClose: () => void;
  onRefunded: (refund: Refund) => void;
}

/**
 * Mounted only while open. One Idempotency-Key per amount and reason within one opening: a double submit (or a
 * retry after a network error) replays instead of refunding twice, while a corrected amount after a refusal is
 * a new request (the same key with another body would answer `idempotency_key_reused`).
 */
export function RefundModal({ appId, order, onClose, onRefunded }: Props) {
  const { t, label } = useI18n();
  const keys = useRef(new Map<string, string>());
  const [amountText, setAmountText] = useState(() => minorToInput(order.amount_refundable));
  const [reason, setReason] = useState<string>('requested_by_customer');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const amount = parseMoneyInput(amountText);
  const amountError = amount === null || amount <= 0 ? t('refund.amountInvalid') : amount > order.amount_refundable ? t('refund.amountTooHigh', { max: formatMoney(order.amount_refundable, order.currency) }) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (amountError || amount === null) return;
    const intent = `${amount}:${reason}`;
    const idempotencyKey = keys.current.get(intent) ?? newIdempotencyKey();
    keys.current.set(intent, idempotencyKey);
    setBusy(true);
    setProblem(null);
    try {
      const refund = await apiRequest<Refund>(appPath(appId, '/refunds'), {
        method: 'POST',
        body: { order_id: order.id, amount, reason },
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      onRefunded(refund);
    } catch (err) {
      setProblem(err instanceof ApiProblem ? err : networkProblem(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    // Compound parts so the header can be a div: Mantine's <header> would be a second banner landmark.
    <Modal.Root opened onClose={onClose}>
      <Modal.Overlay />
      <Modal.Content>
        <Modal.Header component="div">
          <Modal.Title>{t('refund.title')}</Modal.Title>
          <Modal.CloseButton aria-label={t('common.close')} />
        </Modal.Header>
        <Modal.Body>
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <Text size="sm">{t('refund.refundable', { amount: formatMoney(order.amount_refundable, order.currency) })}</Text>
          <TextInput
            label={t('refund.amount', { currency: order.currency })}
            inputMode="decimal"
            value={amountText}
            onChange={(e) => setAmountText(e.currentTarget.value)}
            error={amountText !== '' ? amountError : null}
            required
            data-autofocus
            data-testid="refund-amount"
          />
          <Select label={t('refund.reason')} data={REFUND_REASONS.map((r) => ({ value: r, label: label('refundReason', r) }))} value={reason} onChange={(v) => v && setReason(v)} allowDeselect={false} required data-testid="refund-reason" />
          <ProblemAlert problem={problem} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={busy} disabled={amountError !== null} data-testid="refund-submit">
              {t('refund.submit', { amount: amount !== null ? formatMoney(amount, order.currency) : '' })}
            </Button>
          </Group>
        </Stack>
      </form>
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
