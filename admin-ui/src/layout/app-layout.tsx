import { AppShell, Badge, Button, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { href } from '../routing/router';
import { useSession } from '../session/session-context';
import { AppHeader } from './app-header';
import { NAV_ITEMS } from './nav-items';

interface Props {
  section: string;
  children: ReactNode;
}

export function AppLayout({ section, children }: Props) {
  const { t, label } = useI18n();
  const { session, logout } = useSession();
  const [navOpen, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpen } }} padding="md">
      <a className="sp-skip-link" href="#sp-main" onClick={(e) => { e.preventDefault(); document.getElementById('sp-main')?.focus(); }}>
        {t('nav.skip')}
      </a>
      <AppShell.Header>
        <AppHeader navOpen={navOpen} toggleNav={toggle} />
      </AppShell.Header>
      <AppShell.Navbar p="xs" id="sp-navbar" aria-label={t('nav.label')}>
        <AppShell.Section grow component={ScrollArea}>
          {NAV_ITEMS.map((item) => (
            <NavLink
              key={item.path}
              href={href(`/${item.path}`)}
              label={t(item.label)}
              active={section === item.path}
              aria-current={section === item.path ? 'page' : undefined}
              onClick={close}
            />
          ))}
        </AppShell.Section>
        {session && (
          <AppShell.Section hiddenFrom="md" p="xs">
            <Stack gap={4}>
              <Text size="xs">{session.admin.email}</Text>
              <Badge variant="outline" size="sm">
                {label('role', session.admin.role)}
              </Badge>
              <Button size="xs" variant="default" hiddenFrom="sm" onClick={() => void logout()}>
                {t('header.logout')}
              </Button>
            </Stack>
          </AppShell.Section>
        )}
      </AppShell.Navbar>
      <AppShell.Main id="sp-main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
