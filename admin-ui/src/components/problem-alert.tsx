import { Alert, Code, List, Text } from '@mantine/core';
import type { ApiProblem } from '../api/problem';
import { useI18n } from '../i18n/i18n-context';

/** An API problem as the user should see it: what went wrong, its stable code, and the request id for support. */
export function ProblemAlert({ problem, title }: { problem: ApiProblem | null; title?: string }) {
  const { t, label } = useI18n();
  if (!problem) return null;
  const known = label('errors', problem.code);
  return (
    <Alert color="red" title={title ?? (known !== problem.code ? known : problem.title || t('common.error'))} role="alert">
      {problem.detail && <Text size="sm">{problem.detail}</Text>}
      {problem.errors.length > 0 && (
        <List size="sm">
          {problem.errors.map((e) => (
            <List.Item key={`${e.param}:${e.message}`}>
              <Code>{e.param}</Code> {e.message}
            </List.Item>
          ))}
        </List>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        {t('common.errorCode')}: <Code>{problem.code}</Code>
        {problem.status > 0 && ` · HTTP ${problem.status}`}
        {problem.requestId && (
          <>
            {' · '}
            {t('common.requestId')}: <Code>{problem.requestId}</Code>
          </>
        )}
      </Text>
    </Alert>
  );
}
