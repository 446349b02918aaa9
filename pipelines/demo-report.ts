/** The demo's report step: the factor report over the run and the scored list. */
import { loadReportInput } from '../src/report/input.js';
import { writeReport } from '../src/report/report.js';

export async function writeDemoReport(run: string, out: string, list: string): Promise<string> {
  const paths = await writeReport(await loadReportInput(run, list), out);
  return paths.html;
}
