import { CliError } from './cli-error';

const ENTER = new Set(['\r', '\n', '\u0004']);
const CTRL_C = '\u0003';
const BACKSPACE = new Set(['\u007f', '\b']);
const ESCAPE = '\u001b';

/** True when a password can be asked for: stdin is a terminal. */
export function canPrompt(input: NodeJS.ReadStream = process.stdin): boolean {
  return Boolean(input.isTTY);
}

/**
 * Reads one line from the terminal without echoing it. The question goes to stderr, so stdout keeps
 * only the command's JSON.
 */
export async function promptHidden(
  question: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  if (!input.isTTY) throw new CliError('no terminal to ask for a password on');
  // Echo off before the question shows: whatever is typed as soon as it appears must not be echoed.
  input.setRawMode(true);
  output.write(question);
  input.setEncoding('utf8');
  input.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ENTER.has(ch)) {
          finish();
          resolve(value);
          return;
        }
        if (ch === CTRL_C) {
          finish();
          reject(new CliError('cancelled'));
          return;
        }
        if (ch === ESCAPE) break; // an arrow or function key: its escape sequence fills the rest of the chunk
        if (BACKSPACE.has(ch)) value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch; // other control characters are ignored
      }
    };
    input.on('data', onData);
  });
}

/** Asks twice and insists on a match, as `passwd` does. */
export async function promptNewPassword(minLength: number): Promise<string> {
  const password = await promptHidden(`Password for the new admin (at least ${minLength} characters): `);
  if (password.length < minLength) throw new CliError(`the password must have at least ${minLength} characters`);
  const again = await promptHidden('Repeat the password: ');
  if (again !== password) throw new CliError('the passwords do not match');
  return password;
}
