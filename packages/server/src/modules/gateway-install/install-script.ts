// GET /install.sh: gateway/install.sh with the server's URL filled in (its only placeholder).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const PLACEHOLDER_LINE = "FLOWGATE_SERVER='@FLOWGATE_SERVER_URL@'";

export function createInstallScript(deps: { sourceDir: string }) {
  let template: Promise<string> | null = null;
  const load = async () => {
    const text = await readFile(join(deps.sourceDir, 'install.sh'), 'utf8');
    if (!text.includes(PLACEHOLDER_LINE)) throw new Error(`gateway/install.sh lacks the line ${PLACEHOLDER_LINE}`);
    return text;
  };
  return {
    /** `serverUrl` must already be a checked plain http(s) URL (safePublicBaseUrl): it lands in a shell script. */
    async render(serverUrl: string): Promise<string> {
      template ??= load().catch((err) => {
        template = null;
        throw err;
      });
      return (await template).replace(PLACEHOLDER_LINE, `FLOWGATE_SERVER='${serverUrl}'`);
    },
  };
}
