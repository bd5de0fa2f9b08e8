import { Card, Text, VisuallyHidden } from '@mantine/core';
import { useI18n } from '../i18n/i18n-context';

export interface ChartCardProps {
  title: string;
  children: React.ReactNode;
  /** The plotted figures as text, for screen readers (a chart is a picture to them). */
  rows: { bucket: string; values: string[] }[];
  columns: string[];
}

/** A titled chart with its figures as a visually hidden table beside it. */
export function ChartCard({ title, children, rows, columns }: ChartCardProps) {
  const { t } = useI18n();
  return (
    <Card withBorder radius="md" padding="md">
      <Text component="h2" fw={600} size="sm" mb="sm" mt={0}>
        {title}
      </Text>
      {children}
      <VisuallyHidden>
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('charts.period')}</th>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <th scope="row">{r.bucket}</th>
                {r.values.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </Card>
  );
}
