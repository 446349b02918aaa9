/** The demo's report step: the HTML factor report when the report stage is installed. */
export async function writeDemoReport(_run: string, _out: string): Promise<string | null> {
  return null;
}
