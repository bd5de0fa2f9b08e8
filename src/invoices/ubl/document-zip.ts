import { strToU8, unzipSync, zipSync } from 'fflate';

/**
 * SUNAT receives each document as a zip holding one `{RUC}-{type}-{series}-{number}.xml` named like the zip, and
 * answers with a zip holding the CDR `R-{…}.xml` (sunat.md B2).
 */

/** Largest entry SmartPay unpacks: CDRs and SmartPay's documents are a few kilobytes; this only stops zip bombs. */
const MAX_ENTRY_BYTES = 10 * 1024 * 1024;

/** A zip with the single entry `{fileName}.xml` (`fileName` without extension). */
export function zipDocument(fileName: string, xml: string): Buffer {
  if (fileName === '' || /[/\\]/.test(fileName)) throw new Error(`not a plain file name: ${JSON.stringify(fileName)}`);
  return Buffer.from(zipSync({ [`${fileName}.xml`]: strToU8(xml) }, { level: 9 }));
}

/**
 * Every entry of a zip, folders included (names ending in `/`, which SUNAT's CDR zips sometimes carry); callers
 * pick the entry they expect. Throws on anything that is not a readable zip, or on an entry over 10 MiB.
 */
export function unzipSingle(zip: Buffer): { name: string; content: Buffer }[] {
  const entries = unzipSync(zip, {
    filter: (file) => {
      // Checked before inflating, from the size the zip declares; fflate stops at that size when inflating.
      if (file.originalSize > MAX_ENTRY_BYTES) throw new Error(`zip entry ${file.name} is too large (${file.originalSize} bytes)`);
      return true;
    },
  });
  return Object.entries(entries).map(([name, content]) => ({ name, content: Buffer.from(content) }));
}
