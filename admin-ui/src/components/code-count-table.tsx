import { Table, Text } from '@mantine/core';
import { formatCount } from '../format/numbers';
import { useI18n } from '../i18n/i18n-context';
import { ScrollTable } from './scroll-table';

interface Props {
  title: string;
  rows: { code: string; count: number }[];
  /** Dictionary group of the codes' labels (`declineCode`, `failureCode`). */
  group: string;
  /** Off when the surrounding card already names the table. */
  withHeading?: boolean;
}

/** Declines or errors by code: the translated label, with the stable code beside it for searching logs. */
export function CodeCountTable({ title, rows, group, withHeading = true }: Props) {
  const { t, lang, label } = useI18n();
  return (
    <div>
      {withHeading && (
        <Text fw={600} size="sm" component="h3" my={4}>
          {title}
        </Text>
      )}
      <ScrollTable caption={title} head={[t('reports.code'), t('reports.count')]} empty={rows.length === 0} minWidth={300} numeric={[1]}>
        {rows.map((r) => (
          <Table.Tr key={r.code}>
            <Table.Td>
              {label(group, r.code)}{' '}
              <Text span size="xs" c="dimmed" className="sp-mono">
                ({r.code})
              </Text>
            </Table.Td>
            <Table.Td ta="right">{formatCount(r.count, lang)}</Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
    </div>
  );
}
