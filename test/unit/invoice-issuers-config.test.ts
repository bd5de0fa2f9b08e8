import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleRef } from '@nestjs/core';
import type { PinoLogger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '../../src/config/app-config';
import type { SystemSettings } from '../../src/database/system-settings';
import { IssuerRegistry } from '../../src/invoices/issuer-registry';
import { generateDemoCredentials, type SigningCredentials } from '../../src/invoices/ubl/signing-credentials';

/** The problems loadConfig reports for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const issuer = (over: Record<string, unknown> = {}) => ({
  app: '*',
  ruc: '20100070970',
  legal_name: 'MI EMPRESA S.A.C.',
  address: { line: 'AV. LARCO 101', district: 'MIRAFLORES', province: 'LIMA', department: 'LIMA', ubigeo: '150122' },
  certificate: { pfx_file: '/nonexistent.pfx', password: 'secret' },
  sol_user: 'FACTURA1',
  sol_password: 'sol-secret',
  ...over,
});

const logger = { setContext: () => undefined, info: () => undefined } as unknown as PinoLogger;
const noSettings = {} as SystemSettings;
const noModules = {} as ModuleRef;

async function registry(env: Record<string, string>): Promise<IssuerRegistry> {
  const r = new IssuerRegistry(loadConfig(env), noSettings, noModules, logger);
  await r.onModuleInit();
  return r;
}

async function startProblems(env: Record<string, string>): Promise<string[]> {
  try {
    await registry(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('SUNAT_ISSUERS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartpay-issuers-'));
  let credentials: SigningCredentials;
  let pfxFile: string;
  let pemFile: string;

  beforeAll(() => {
    credentials = generateDemoCredentials({ ruc: '20100070970', legalName: 'MI EMPRESA S.A.C.', validDays: 30 });
    const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(credentials.privateKeyPem), [forge.pki.certificateFromPem(credentials.certificatePem)], 'right-password', { algorithm: '3des' });
    pfxFile = join(dir, 'cpe.pfx');
    writeFileSync(pfxFile, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
    pemFile = join(dir, 'cpe.pem');
    writeFileSync(pemFile, `${credentials.privateKeyPem}\n${credentials.certificatePem}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the issuer and field of every problem, and accepts a complete issuer', () => {
    expect(problems({ SUNAT_ISSUERS: '{not json' })[0]).toMatch(/^SUNAT_ISSUERS: is not valid JSON/);
    const bad = problems({
      SUNAT_ISSUERS: JSON.stringify([
        issuer({ ruc: '20100070971', series: { factura: 'B001' } }),
        issuer({ app: 'app_x', address: { line: 'x', district: 'x', province: 'x', department: 'x', ubigeo: '15' }, sol_password: undefined, typo: 1 }),
      ]),
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/issuer 1: ruc: must be a valid RUC/),
        expect.stringMatching(/issuer 1: series\.factura: must be 4 characters starting with F/),
        expect.stringMatching(/issuer 2: address\.ubigeo: must be the 6-digit INEI ubigeo/),
        expect.stringMatching(/issuer 2: .*typo/),
        expect.stringMatching(/issuer 2: needs sol_password or sol_password_file/),
      ]),
    );
    expect(problems({ SUNAT_ISSUERS: JSON.stringify([issuer({ certificate: { password: 'x' } })]) })).toEqual([expect.stringMatching(/certificate: needs exactly one of pfx_file or pem_file/)]);
    expect(problems({ SUNAT_ISSUERS: JSON.stringify([issuer(), issuer()]) })).toEqual([expect.stringMatching(/\* has two issuers/)]);
    expect(problems({ SUNAT_ISSUERS: JSON.stringify([issuer()]) })).toEqual([]);
    expect(problems({ SUNAT_ISSUERS: JSON.stringify([issuer({ boletas: 'daily_summary' })]) })).toEqual([]);
    expect(problems({ SUNAT_ISSUERS: JSON.stringify([issuer({ boletas: 'weekly' })]) })).toEqual([expect.stringMatching(/issuer 1: boletas: .*"each"\|"daily_summary"|issuer 1: boletas: /)]);
    expect(problems({ INVOICE_SUMMARY_MAX_LINES: '501' })).toEqual([expect.stringMatching(/^INVOICE_SUMMARY_MAX_LINES/)]);
    expect(problems({ SUNAT_ISSUERS_FILE: join(dir, 'missing.json') })).toEqual([expect.stringMatching(/^SUNAT_ISSUERS_FILE: cannot read .*missing\.json \(ENOENT\)/)]);
  });

  it('stops the start on an unreadable certificate or a wrong password, naming the issuer', async () => {
    expect(await startProblems({ SUNAT_ISSUERS: JSON.stringify([issuer()]) })).toEqual([expect.stringMatching(/issuer 1 \(\*, RUC 20100070970\): certificate\.pfx_file: cannot read \/nonexistent\.pfx/)]);
    expect(await startProblems({ SUNAT_ISSUERS: JSON.stringify([issuer({ certificate: { pfx_file: pfxFile, password: 'wrong' } })]) })).toEqual([expect.stringMatching(/the PFX password is wrong/)]);
  });

  it('loads PFX and PEM issuers; an app’s own issuer wins over "*"; a disabled issuer invoices nothing', async () => {
    const passwordFile = join(dir, 'pass');
    writeFileSync(passwordFile, 'right-password\n');
    const r = await registry({
      SUNAT_ISSUERS: JSON.stringify([
        issuer({ certificate: { pfx_file: pfxFile, password_file: passwordFile } }),
        issuer({ app: 'app_own', ruc: '20000000001', certificate: { pem_file: pemFile } }),
        issuer({ app: 'app_off', enabled: false, certificate: { pem_file: pemFile } }),
      ]),
    });
    expect(r.forApp('app_any')?.party.ruc).toBe('20100070970');
    expect(r.forApp('app_any')?.credentials.certificatePem).toBe(credentials.certificatePem);
    expect(r.forApp('app_own')?.party.ruc).toBe('20000000001');
    expect(r.forApp('app_own')?.series).toEqual({ factura: 'F001', boleta: 'B001', credit_note_factura: 'FC01', credit_note_boleta: 'BC01' });
    expect(r.forApp('app_off')).toBeNull();
  });

  it('without issuers and outside sandbox mode, nothing is invoiced', async () => {
    const r = await registry({ SMARTPAY_SANDBOX: 'off' });
    expect(r.forApp('app_any')).toBeNull();
  });
});
