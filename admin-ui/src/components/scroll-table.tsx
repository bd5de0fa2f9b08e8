import { Table, Text, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';

interface Props {
  caption: string;
  head: ReactNode[];
  children: ReactNode;
  empty?: boolean;
  minWidth?: number;
  /** Indexes of the columns holding numbers: their headers align right, like their cells. */
  numeric?: number[];
}

/** True while the box is narrower than its content (a phone), so it can become a keyboard stop only then. */
function useOverflowing<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setOverflowing(el.scrollWidth > el.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    // The content too: rows that arrive after the first check widen the table, not the box around it.
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return { ref, overflowing };
}

/**
 * A table that scrolls sideways inside its own box on a phone instead of widening the page; when it does
 * scroll, the box is a focusable, named region so keyboard users can scroll it too.
 */
export function ScrollTable({ caption, head, children, empty, minWidth = 640, numeric = [] }: Props) {
  const { t } = useI18n();
  const { ref, overflowing } = useOverflowing<HTMLDivElement>();
  return (
    <div ref={ref} className="sp-table-scroll" tabIndex={overflowing ? 0 : undefined} role={overflowing ? 'region' : undefined} aria-label={overflowing ? caption : undefined}>
      <Table striped highlightOnHover verticalSpacing="xs" tabularNums miw={minWidth}>
        <VisuallyHidden component="caption">{caption}</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            {head.map((h, i) => (
              <Table.Th key={i} scope="col" ta={numeric.includes(i) ? 'right' : undefined}>
                {h}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {empty ? (
            <Table.Tr>
              <Table.Td colSpan={head.length}>
                <Text c="dimmed" size="sm">
                  {t('common.empty')}
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            children
          )}
        </Table.Tbody>
      </Table>
    </div>
  );
}
