import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

/**
 * The document roots SmartPay builds (and the CDR it reads): the UBL 2.1 ones, plus SUNAT's UBL 2.0 daily summary
 * (`SummaryDocuments`), which SUNAT never moved to 2.1.
 */
export type UblRoot = 'Invoice' | 'CreditNote' | 'ApplicationResponse' | 'SummaryDocuments';

export interface UblValidation {
  valid: boolean;
  /** libxml2's messages, one per problem, with the line number. */
  errors: string[];
}

/**
 * The schema sets ship next to this file (copied to dist/ by the build): the OASIS UBL 2.1 XSDs in `xsd/`, and
 * SUNAT's UBL 2.0 XSDs in `xsd-sunat/`. The two sets declare the same namespaces (cac, cbc, ext) with different
 * contents, so a document is validated against one set only, never a mix.
 */
const SCHEMA_SETS = {
  ubl21: join(__dirname, 'xsd'),
  sunat20: join(__dirname, 'xsd-sunat'),
} as const;
type SchemaSet = keyof typeof SCHEMA_SETS;

const MAIN_SCHEMA: Record<UblRoot, { set: SchemaSet; main: string }> = {
  Invoice: { set: 'ubl21', main: 'maindoc/UBL-Invoice-2.1.xsd' },
  CreditNote: { set: 'ubl21', main: 'maindoc/UBL-CreditNote-2.1.xsd' },
  ApplicationResponse: { set: 'ubl21', main: 'maindoc/UBL-ApplicationResponse-2.1.xsd' },
  SummaryDocuments: { set: 'sunat20', main: 'maindoc/UBL-SummaryDocuments-2.0.xsd' },
};

const commonSchemas = new Map<SchemaSet, { fileName: string; contents: Buffer }[]>();

/**
 * xmllint-wasm has no file system of its own: the main schema and every schema it imports are handed over, named so
 * the imports' relative paths (`../common/…`) resolve. Read once per set, kept for the life of the process.
 */
function preload(set: SchemaSet): { fileName: string; contents: Buffer }[] {
  let schemas = commonSchemas.get(set);
  if (!schemas) {
    const common = join(SCHEMA_SETS[set], 'common');
    schemas = readdirSync(common)
      .filter((file) => file.endsWith('.xsd'))
      .map((file) => ({ fileName: `common/${file}`, contents: readFileSync(join(common, file)) }));
    commonSchemas.set(set, schemas);
  }
  return schemas;
}

/**
 * Validates documents of one root against their XSDs (OASIS UBL 2.1, or SUNAT's UBL 2.0 for a summary), offline.
 * Several documents in one call share the schema compilation (about a quarter of a second), so callers with many
 * documents pass them together. A schema set that fails to load is an error, never a pass: libxml2 only warns
 * about a missing import and would then skip the signature's schema. (The UBL 2.0 set skips the content of
 * `ext:ExtensionContent` by design, so a summary's signature is checked by verifyUblSignature only.)
 */
export async function validateUbl(documents: Buffer | string | (Buffer | string)[], root: UblRoot): Promise<UblValidation> {
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.length === 0) return { valid: true, errors: [] };
  const { set, main } = MAIN_SCHEMA[root];
  const result = await validateXML({
    xml: list.map((contents, i) => ({ fileName: `document-${i + 1}.xml`, contents: typeof contents === 'string' ? Buffer.from(contents) : contents })),
    schema: { fileName: main, contents: readFileSync(join(SCHEMA_SETS[set], main)) },
    preload: preload(set),
  });
  if (/failed to load external entity|Failed to locate a schema/.test(result.rawOutput)) {
    throw new Error(`UBL schema set incomplete:\n${result.rawOutput}`);
  }
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}
