/**
 * Progress of long work, on stderr (stdout carries the command's summary). On a terminal a bar
 * per stage; in a log (not a terminal) one line per stage when it ends, with its count and
 * elapsed seconds, so a batch job's log shows where time went. Library calls are silent unless a
 * program (the CLI, the demo) turns reporting on.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(by?: number): void;
  stop(): void;
}

const silent: Progress = { tick() {}, stop() {} };

let reporting = false;

/** Turns progress reporting on (the CLI and the demo do; a library caller may). */
export function reportProgress(on = true): void {
  reporting = on;
}

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * A stage of `total` steps (null when the count is not known ahead, e.g. batches of an input not
 * yet read), counted in `unit`.
 */
export function progress(label: string, total: number | null, unit = 'steps'): Progress {
  if (!reporting) return silent;
  const started = performance.now();
  let done = 0;
  const line = (): void => note(`${label}: ${done.toLocaleString('en')} ${unit} in ${seconds(started)}`);
  if (!process.stderr.isTTY) {
    return {
      tick(by = 1) { done += by; },
      stop() { line(); },
    };
  }
  const format = total === null
    ? `${label.padEnd(24)} {value} ${unit} {duration_formatted}`
    : `${label.padEnd(24)} [{bar}] {percentage}% {value}/{total} ${unit} {duration_formatted}`;
  const bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  bar.start(total ?? 0, 0);
  return {
    tick(by = 1) {
      done += by;
      bar.increment(by);
    },
    stop() {
      bar.stop();
      line();
    },
  };
}

/** A progress line on stderr when reporting is on: a step of a stage that has no bar of its own. */
export function progressLine(message: string): void {
  if (reporting) note(message);
}

/** A line on stderr: a warning or a step finished (kept out of stdout, which carries the summary). */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The command's summary on stdout: what it produced, for a person or a script to read. */
export function summary(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** The elapsed time of a step, as progress lines print it. */
export function elapsed(since: number): string {
  return seconds(since);
}
