import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import './app.css';
import { createTheme, darken, defaultVariantColorsResolver, MantineProvider, parseThemeColor, type CSSVariablesResolver, type VariantColorsResolver } from '@mantine/core';
import { setNonce } from 'get-nonce';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { NotificationsProvider } from './components/notifications';
import { I18nProvider } from './i18n/i18n-context';
import { PeriodProvider } from './period/period-context';
import { SessionProvider } from './session/session-context';

// The server writes a fresh nonce into index.html per response; its CSP allows only <style> elements carrying it.
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
const getStyleNonce = () => nonce;
// Modal's scroll lock (react-remove-scroll, inside Mantine) writes its own <style>; get-nonce is where it reads the nonce.
setNonce(nonce);

// Mantine's defaults fall short of WCAG AA (4.5:1) in a few places: shade 6 on white, gray 6 for dimmed text,
// and light badges/buttons (shade 9 on a tint). Shade 8, gray 7 and a darker text on tints pass.
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'light') return colors;
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  return parsed.isThemeColor ? { ...colors, color: darken(input.theme.colors[parsed.color][9], 0.35) } : colors;
};
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 6 },
  focusRing: 'auto',
  variantColorResolver,
});
const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7] },
  dark: {},
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} getStyleNonce={getStyleNonce} defaultColorScheme="light">
      <I18nProvider>
        <NotificationsProvider>
          <SessionProvider>
            <PeriodProvider>
              <App />
            </PeriodProvider>
          </SessionProvider>
        </NotificationsProvider>
      </I18nProvider>
    </MantineProvider>
  </StrictMode>,
);
