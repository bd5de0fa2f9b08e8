import { Button, Code, Collapse } from '@mantine/core';
import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';

/** Bodies are JSON text when the gateway spoke JSON; pretty-print them, else show them as they are. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function CollapsibleCode({ label, text }: { label: string; text: string | null }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!text) return null;
  return (
    <div>
      <Button variant="subtle" size="compact-xs" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls={id}>
        {open ? t('common.hide') : t('common.show')} {label}
      </Button>
      <Collapse expanded={open} id={id}>
        <Code block className="sp-code">
          {pretty(text)}
        </Code>
      </Collapse>
    </div>
  );
}
