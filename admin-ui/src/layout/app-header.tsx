import { Badge, Burger, Button, Group, SegmentedControl, Select, Text } from '@mantine/core';
import { LANGS, type Lang } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';

interface Props {
  navOpen: boolean;
  toggleNav: () => void;
}

export function AppHeader({ navOpen, toggleNav }: Props) {
  const { t, lang, setLang, label } = useI18n();
  const { session, apps, appId, selectApp, logout } = useSession();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
      <Group gap="sm" wrap="nowrap">
        <Burger opened={navOpen} onClick={toggleNav} hiddenFrom="sm" size="sm" aria-label={navOpen ? t('nav.close') : t('nav.open')} aria-controls="sp-navbar" aria-expanded={navOpen} />
        <Text fw={700} size="lg" visibleFrom="xs">
          SmartPay
        </Text>
        <Select
          label={t('header.app')}
          classNames={{ label: 'sp-visually-hidden' }}
          size="xs"
          w={{ base: 150, sm: 220 }}
          data={apps.map((a) => ({ value: a.id, label: a.name }))}
          value={appId}
          onChange={(v) => v && selectApp(v)}
          allowDeselect={false}
          placeholder={t('header.noApp')}
          data-testid="app-selector"
        />
      </Group>
      <Group gap="sm" wrap="nowrap">
        <SegmentedControl<Lang>
          size="xs"
          aria-label={t('header.language')}
          value={lang}
          onChange={setLang}
          data={LANGS.map((l) => ({ value: l, label: l.toUpperCase() }))}
          data-testid="lang-switch"
        />
        {session && (
          <Group gap={6} visibleFrom="md" wrap="nowrap">
            <Text size="sm" data-testid="admin-email">
              {session.admin.email}
            </Text>
            <Badge variant="outline" data-testid="admin-role">
              {label('role', session.admin.role)}
            </Badge>
          </Group>
        )}
        <Button size="xs" variant="default" onClick={() => void logout()} data-testid="logout" visibleFrom="sm">
          {t('header.logout')}
        </Button>
      </Group>
    </Group>
  );
}
