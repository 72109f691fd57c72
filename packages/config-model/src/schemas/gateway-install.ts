// Installing a gateway on any host: the one-line command (served script /install.sh) and the downloads
// (/downloads/gateway/…) the control plane serves from its own gateway build.
import { Type, type Static } from '@sinclair/typebox';

/** What the UI shows where a token goes, when the real token is not at hand. */
export const REGISTRATION_TOKEN_PLACEHOLDER = '<registration token>';

/** A word for `sh`: as is when it is plain, else in single quotes. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_.:/@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The install command for a host: `curl -fsSL <server>/install.sh | sh -s -- --registration-token T`.
 * Shown by the dashboard, the tokens page and GET /api/v1/supervisor/config; one definition for all.
 */
export function gatewayInstallCommand(
  serverUrl: string,
  registrationToken: string,
  opts: { name?: string | null } = {},
): string {
  const base = serverUrl.replace(/\/+$/, '');
  // Tokens are plain words; the placeholder is left readable (it is meant to be replaced, not run).
  let command = `curl -fsSL ${base}/install.sh | sh -s -- --registration-token ${registrationToken}`;
  if (opts.name) command += ` --name ${shellWord(opts.name)}`;
  return command;
}

export const GatewayPlatformInfo = Type.Object({
  id: Type.String({ description: 'os-arch, e.g. linux-amd64' }),
  os: Type.String(),
  arch: Type.String(),
});

export const GatewayInstallInfo = Type.Object({
  server_url: Type.String({
    description: 'The URL gateways use to reach this server (FLOWGATE_PUBLIC_URL or the request)',
  }),
  install_script_url: Type.String(),
  command: Type.String({ description: `The install command, with ${REGISTRATION_TOKEN_PLACEHOLDER} to replace` }),
  platforms: Type.Array(GatewayPlatformInfo, { description: 'Platforms this server has a gateway build for' }),
  downloads_url: Type.String(),
  build_available: Type.Boolean(),
  message: Type.Union([Type.String(), Type.Null()], {
    description: 'Why installing will not work yet (no gateway build on the server), else null',
  }),
});
export type GatewayInstallInfo = Static<typeof GatewayInstallInfo>;

const DownloadFile = Type.Object({
  name: Type.String(),
  url: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
});

export const GatewayDownloadsIndex = Type.Object({
  server_url: Type.String(),
  install_script_url: Type.String(),
  platforms: Type.Array(
    Type.Object({
      id: Type.String(),
      os: Type.String(),
      arch: Type.String(),
      version: Type.Union([Type.String(), Type.Null()]),
      built_at: Type.String(),
      files: Type.Array(DownloadFile),
      contents: Type.Array(
        Type.Object({ name: Type.String(), size: Type.Integer(), sha256: Type.String(), mode: Type.String() }),
      ),
    }),
  ),
});
export type GatewayDownloadsIndex = Static<typeof GatewayDownloadsIndex>;
