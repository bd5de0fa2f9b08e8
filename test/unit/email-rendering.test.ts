import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailRenderer } from '../../src/notifications/email-renderer';
import type { EmailModel } from '../../src/notifications/templates/email-models';
import {
  sampleAlert,
  sampleCreditsLowBalance,
  sampleCreditsRenewalFailed,
  sampleInvoiceReplaced,
  samplePaymentFailed,
  sampleReceipt,
  sampleRefund,
  SAMPLE_BRAND,
  sampleSummary,
} from '../support/email-samples';
import { OUTPUT_DIR } from '../support/test-env';

/**
 * The receipt as a customer sees it: rendered by Chromium at phone and desktop widths. Only the system
 * Chromium is used (never a downloaded browser), and the page may not fetch anything: an e-mail that needs
 * the network to make sense would break in clients that block remote content.
 */
const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`email-rendering: skipped, ${CHROMIUM} does not exist (install Debian's chromium to run it)`);

const WIDTHS = [375, 800] as const;
const TEAL_RGB = 'rgb(15, 118, 110)';
const DOCS_IMAGES = resolve(__dirname, '..', '..', 'docs', 'images');
/** A real 1×1 PNG, so the logo check exercises a loaded image without any network. */
const LOGO = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

// The project compiles without the DOM library (it is a server), so code that runs inside the page is
// passed to Playwright as source text.
const FIT_SCRIPT = `(() => {
  const viewport = window.innerWidth;
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.display === 'none' || style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
    const hasText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
    if ((hasText || el.tagName === 'IMG') && (box.left < -1 || box.right > viewport + 1)) {
      outside.push(el.tagName + ' "' + el.textContent.trim().slice(0, 40) + '" spans ' + Math.round(box.left) + '..' + Math.round(box.right));
    }
  }
  return { scrollWidth: document.scrollingElement.scrollWidth, outside };
})()`;
/** Every span holding just a document number, with how many line boxes it takes ("B001-00000012:1"). */
const DOCUMENT_NUMBER_LINES = `Array.from(document.querySelectorAll('span'))
  .filter((s) => /^B001-\\d{8}$/.test(s.textContent || ''))
  .map((s) => s.textContent + ':' + s.getClientRects().length)`;
/** The computed background colour of the first element matching a CSS selector. */
const backgroundOf = (selector: string): string => `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).backgroundColor`;

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Every URL the page tried to load other than data: and about: (all of them were aborted). */
  external: string[];
}

describe.skipIf(!HAS_CHROMIUM)('e-mails in a real browser', () => {
  const renderer = new EmailRenderer();
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    mkdirSync(OUTPUT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string, width: number): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const external: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('about:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && !url.startsWith('about:') && !external.includes(url)) external.push(url);
    });
    await page.setContent(html, { waitUntil: 'load' });
    return { page, context, external };
  }

  /**
   * Horizontal fit, the way a reader experiences it. The page must not scroll sideways, and since MJML
   * columns clip what overflows them (so scrollWidth alone misses it), no visible text or image may stick
   * out of the viewport either.
   */
  async function fitProblems(page: Page, width: number): Promise<string[]> {
    const { scrollWidth, outside } = await page.evaluate<{ scrollWidth: number; outside: string[] }>(FIT_SCRIPT);
    return [...(scrollWidth > width ? [`page scrolls sideways: scrollWidth ${scrollWidth} > ${width}`] : []), ...outside];
  }

  for (const width of WIDTHS) {
    it(`receipt (es) at ${width}px: fits, shows the amount above the fold, brand header, no network`, async () => {
      const { html } = await renderer.render(sampleReceipt('es'));
      const { page, context, external } = await open(html, width);
      try {
        expect(await page.evaluate<number>('window.innerWidth')).toBe(width);
        expect(await fitProblems(page, width)).toEqual([]);

        expect(await page.locator('html').getAttribute('lang')).toBe('es');
        const amount = page.locator('.sp-amount');
        expect(await amount.innerText()).toBe('S/ 118.00');
        expect(await amount.isVisible()).toBe(true);
        const box = await amount.boundingBox();
        expect(box).not.toBeNull();
        if (box) {
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(width);
          // Above the fold on an 800 px tall screen: the reader sees what they paid without scrolling.
          expect(box.y + box.height).toBeLessThanOrEqual(800);
        }
        for (const fact of ['Pago recibido', 'Visa •••• 1111', 'PED-2026-000123', 'Comprobante B001-00000012 adjunto a este correo.']) {
          expect(await page.getByText(fact, { exact: true }).isVisible(), fact).toBe(true);
        }

        const header = page.locator('.sp-header');
        expect(await page.evaluate<string>(backgroundOf('.sp-header'))).toBe(TEAL_RGB);
        expect(await header.innerText()).toContain('SmartPay');
        expect(external).toEqual([]);

        await page.screenshot({ path: join(OUTPUT_DIR, `email-receipt-es-${width}.png`), fullPage: true });
        if (process.env.WRITE_DOCS_SCREENSHOTS === '1') {
          mkdirSync(DOCS_IMAGES, { recursive: true });
          await page.screenshot({ path: join(DOCS_IMAGES, width === 375 ? 'receipt-es.png' : 'receipt-es-desktop.png'), fullPage: true });
        }
      } finally {
        await context.close();
      }
    });
  }

  it('logo: loads from a data: URL, carries the brand name as alt text', async () => {
    const { html } = await renderer.render(sampleReceipt('es', { brand: { ...SAMPLE_BRAND, logoUrl: LOGO } }));
    const { page, context, external } = await open(html, 375);
    try {
      const logo = page.locator('.sp-header img');
      expect(await logo.count()).toBe(1);
      expect(await logo.getAttribute('alt')).toBe('SmartPay');
      expect(await page.evaluate<number>("document.querySelector('.sp-header img').naturalWidth")).toBe(1);
      expect(await page.locator('img:not([alt]), img[alt=""]').count()).toBe(0);
      expect(external).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('long unbroken references and descriptions wrap instead of widening a phone screen', async () => {
    const long = `REF-${'7'.repeat(70)}`;
    const { html } = await renderer.render(sampleReceipt('es', { reference: long, items: [{ description: `Producto-${'x'.repeat(80)}`, quantity: 3, unitAmount: 123_456_789 }] }));
    const { page, context } = await open(html, 375);
    try {
      expect(await fitProblems(page, 375)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  const others: [string, EmailModel][] = [
    ['payment-failed', samplePaymentFailed('es')],
    ['refund', sampleRefund('es')],
    ['credits-low-balance', sampleCreditsLowBalance('es')],
    ['credits-renewal-failed', sampleCreditsRenewalFailed('es')],
    ['alert', sampleAlert('es')],
    ['summary', sampleSummary('es')],
    ['invoice-replaced', sampleInvoiceReplaced('es')],
  ];
  for (const [name, model] of others) {
    it(`${name} (es) fits 375 px and 800 px without fetching anything`, async () => {
      const { html } = await renderer.render(model);
      for (const width of WIDTHS) {
        const { page, context, external } = await open(html, width);
        try {
          expect(await fitProblems(page, width)).toEqual([]);
          expect(external).toEqual([]);
          if (name === 'payment-failed') {
            const retry = page.getByRole('link', { name: 'Intentar de nuevo' });
            expect(await retry.isVisible()).toBe(true);
            expect(await retry.getAttribute('href')).toBe(samplePaymentFailed('es').retryUrl);
          }
          if (name === 'credits-low-balance') {
            expect(await page.locator('.sp-amount').innerText()).toBe('40 créditos');
            const buy = page.getByRole('link', { name: 'Comprar créditos' });
            expect(await buy.isVisible()).toBe(true);
            expect(await buy.getAttribute('href')).toBe(sampleCreditsLowBalance('es').purchaseUrl);
          }
          if (name === 'credits-renewal-failed') {
            expect(await page.locator('.sp-amount').innerText()).toBe('S/ 199.00');
            expect(await page.locator('.sp-disabled').isVisible()).toBe(true);
            expect(await page.getByText('Tu saldo actual es de 12 créditos.', { exact: true }).isVisible()).toBe(true);
          }
          if (name === 'alert') {
            expect(await page.locator('.sp-severity').innerText()).toMatch(/alerta crítica · smartlite/i);
            expect(await page.evaluate<string>(backgroundOf('.sp-severity'))).toBe('rgb(185, 28, 28)');
          }
          if (name === 'invoice-replaced') {
            // The reader must see at a glance which document now counts and which one is void.
            expect(await page.locator('.sp-amount').innerText()).toBe('B001-00000013');
            expect(await page.getByText('Reemplazamos tu comprobante', { exact: true }).isVisible()).toBe(true);
            expect(await page.getByText('Comprobante anterior (sin validez)', { exact: true }).isVisible()).toBe(true);
            expect(await page.getByRole('cell', { name: 'B001-00000012', exact: true }).isVisible()).toBe(true);
            // Each document number sits on one line wherever it appears (the sentence, the panel, the table).
            const lines = await page.evaluate<string[]>(DOCUMENT_NUMBER_LINES);
            expect(lines).toEqual(['B001-00000012:1', 'B001-00000013:1', 'B001-00000013:1', 'B001-00000012:1', 'B001-00000013:1']);
          }
          await page.screenshot({ path: join(OUTPUT_DIR, `email-${name}-es-${width}.png`), fullPage: true });
          if (name === 'invoice-replaced' && width === 375 && process.env.WRITE_DOCS_SCREENSHOTS === '1') {
            await page.screenshot({ path: join(DOCS_IMAGES, 'invoice-replaced-es.png'), fullPage: true });
          }
        } finally {
          await context.close();
        }
      }
    });
  }
});
