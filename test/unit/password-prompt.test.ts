import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { promptHidden } from '../../src/cli/password-prompt';

/** A terminal stand-in that records, in order, when echo goes off and on and what is written. */
function fakeTerminal() {
  const events: string[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(raw: boolean) {
      events.push(raw ? 'echo off' : 'echo on');
      return input;
    },
  }) as unknown as NodeJS.ReadStream;
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => events.push(`wrote ${JSON.stringify(chunk.toString())}`));
  return { input, output, events };
}

describe('promptHidden', () => {
  it('turns echo off before the question shows, so nothing typed right after it is echoed', async () => {
    const { input, output, events } = fakeTerminal();
    const answer = promptHidden('Password: ', input, output);
    expect(events).toEqual(['echo off', 'wrote "Password: "']);
    input.push('s3cret-pass\r');
    await expect(answer).resolves.toBe('s3cret-pass');
    expect(events).toEqual(['echo off', 'wrote "Password: "', 'echo on', 'wrote "\\n"']);
  });

  it('drops backspaced characters and escape sequences, and Ctrl-C cancels', async () => {
    const first = fakeTerminal();
    const answer = promptHidden('Password: ', first.input, first.output);
    first.input.push('abx\u007fc\u001b[A');
    first.input.push('d\n');
    await expect(answer).resolves.toBe('abcd');

    const second = fakeTerminal();
    const cancelled = promptHidden('Password: ', second.input, second.output);
    second.input.push('ab\u0003');
    await expect(cancelled).rejects.toThrow('cancelled');
    expect(second.events.at(-2)).toBe('echo on');
  });
});
