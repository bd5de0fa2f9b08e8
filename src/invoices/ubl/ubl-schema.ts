import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

/** The UBL 2.1 document roots SmartPay builds (and the CDR it reads). */
export type UblRoot = 'Invoice' | 'CreditNote' | 'ApplicationResponse';

export interface UblValidation {
  valid: boolean;
  /** libxml2's messages, one per problem, with the line number. */
  errors: string[];
}

/** The OASIS schemas ship next to this file (copied to dist/ by the build). */
const XSD_DIR = join(__dirname, 'xsd');
const MAIN_SCHEMA: Record<UblRoot, string> = {
  Invoice: 'maindoc/UBL-Invoice-2.1.xsd',
  CreditNote: 'maindoc/UBL-CreditNote-2.1.xsd',
  ApplicationResponse: 'maindoc/UBL-ApplicationResponse-2.1.xsd',
};

let commonSchemas: { fileName: string; contents: Buffer }[] | null = null;

/**
 * xmllint-wasm has no file system of its own: the main schema and every schema it imports are handed over, named so
 * the imports' relative paths (`../common/…`) resolve. Read once, kept for the life of the process.
 */
function preload(): { fileName: string; contents: Buffer }[] {
  commonSchemas ??= readdirSync(join(XSD_DIR, 'common'))
    .filter((file) => file.endsWith('.xsd'))
    .map((file) => ({ fileName: `common/${file}`, contents: readFileSync(join(XSD_DIR, 'common', file)) }));
  return commonSchemas;
}

/**
 * Validates UBL 2.1 documents of one root against the OASIS XSDs, offline. Several documents in one call share the
 * schema compilation (about a quarter of a second), so callers with many documents pass them together.
 * A schema set that fails to load is an error, never a pass: libxml2 only warns about a missing import and would
 * then skip the signature's schema.
 */
export async function validateUbl(documents: Buffer | string | (Buffer | string)[], root: UblRoot): Promise<UblValidation> {
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.length === 0) return { valid: true, errors: [] };
  const main = MAIN_SCHEMA[root];
  const result = await validateXML({
    xml: list.map((contents, i) => ({ fileName: `document-${i + 1}.xml`, contents: typeof contents === 'string' ? Buffer.from(contents) : contents })),
    schema: { fileName: main, contents: readFileSync(join(XSD_DIR, main)) },
    preload: preload(),
  });
  if (/failed to load external entity|Failed to locate a schema/.test(result.rawOutput)) {
    throw new Error(`UBL schema set incomplete:\n${result.rawOutput}`);
  }
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}
