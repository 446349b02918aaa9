/**
 * A progress bar on stderr for long work, shown only when stderr is a terminal (never in CI logs).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(by?: number): void;
  stop(): void;
}

const silent: Progress = { tick() {}, stop() {} };

export function progress(label: string, total: number): Progress {
  if (!process.stderr.isTTY || process.env.CI !== undefined) return silent;
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(22)} [{bar}] {percentage}% {value}/{total} {duration_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    tick(by = 1) { bar.increment(by); },
    stop() { bar.stop(); },
  };
}

/** A status line on stderr (kept out of stdout so stdout stays machine-readable). */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
