import { Alert, Button, Center, Group, Paper, PasswordInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { apiRequest } from '../api/client';
import { ApiProblem, networkProblem } from '../api/problem';
import type { AdminSession } from '../api/types';
import { usePageTitle } from '../components/page-header';
import { LANGS, type Lang } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';

function minutes(seconds: number | null): number {
  return Math.max(1, Math.ceil((seconds ?? 60) / 60));
}

export function LoginPage() {
  const { t, lang, setLang, label } = useI18n();
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  usePageTitle(t('login.title'));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const session = await apiRequest<AdminSession>('/session', { method: 'POST', body: { email: email.trim(), password }, expectUnauthorized: true });
      setPassword('');
      signedIn(session);
    } catch (err) {
      setProblem(err instanceof ApiProblem ? err : networkProblem(err));
    } finally {
      setBusy(false);
    }
  }

  function message(p: ApiProblem): string {
    switch (p.code) {
      case 'invalid_credentials':
        return t('login.invalidCredentials');
      case 'account_locked':
        return t('login.accountLocked', { minutes: minutes(p.retryAfter) });
      case 'rate_limited':
        return t('login.rateLimited', { minutes: minutes(p.retryAfter) });
      default: {
        const known = label('errors', p.code);
        return known !== p.code ? known : p.detail || p.title || t('common.error');
      }
    }
  }

  return (
    <main>
      <Center mih="100vh" p="md">
        <Paper withBorder shadow="sm" p="lg" w="100%" maw={380} radius="md">
          <form onSubmit={(e) => void submit(e)} noValidate={false}>
            <Stack>
              <Group justify="space-between" align="center">
                <Title order={1} size="h3">
                  {t('login.heading')}
                </Title>
                <SegmentedControl<Lang> size="xs" aria-label={t('header.language')} value={lang} onChange={setLang} data={LANGS.map((l) => ({ value: l, label: l.toUpperCase() }))} />
              </Group>
              <Text size="sm" c="dimmed">
                {t('login.intro')}
              </Text>
              {problem && (
                <Alert color="red" role="alert" data-testid="login-error" data-code={problem.code} title={message(problem)}>
                  <Text size="xs">
                    {t('common.errorCode')}: {problem.code}
                  </Text>
                </Alert>
              )}
              <TextInput label={t('login.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} name="email" />
              <PasswordInput label={t('login.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} name="password" />
              <Button type="submit" loading={busy} fullWidth>
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </main>
  );
}
