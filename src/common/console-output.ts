import { Injectable } from '@nestjs/common';

/** Text meant for the operator's terminal (the one-time key banner), kept out of the JSON logs. */
@Injectable()
export class ConsoleOutput {
  print(text: string): void {
    process.stdout.write(`${text}\n`);
  }
}
