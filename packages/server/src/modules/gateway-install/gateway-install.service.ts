// Installing a gateway on any host: the install script, the downloads index and the files it fetches,
// served from the server's own gateway build.
import { createReadStream, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type pino from 'pino';
import {
  gatewayInstallCommand,
  REGISTRATION_TOKEN_PLACEHOLDER,
  type GatewayDownloadsIndex,
  type GatewayInstallInfo,
} from '@flowgate/config-model';
import type { FlowgateConfig } from '../../config/env.ts';
import { gatewayBinDir } from '../../platform/collector.ts';
import { AppError } from '../../platform/errors.ts';
import { gatewaySourceDir } from '../../platform/gateway-dir.ts';
import { bundleName, createBundleCache, type BundleFile, type GatewayPlatform } from './gateway-bundles.ts';
import { createInstallScript } from './install-script.ts';

export interface GatewayInstallDeps {
  config: Pick<FlowgateConfig, 'gatewayBinDir' | 'dataDir'>;
  logger: pino.Logger;
  /** Tests point these elsewhere. */
  sourceDir?: string;
}

export interface DownloadFile extends BundleFile {
  open(): ReadStream;
}

const downloadsPath = '/downloads/gateway/';

export function createGatewayInstallService(deps: GatewayInstallDeps) {
  const sourceDir = deps.sourceDir ?? gatewaySourceDir;
  const bundles = createBundleCache({
    binDir: gatewayBinDir(deps.config),
    sourceDir,
    cacheDir: join(deps.config.dataDir, 'cache', 'gateway-downloads'),
    logger: deps.logger,
  });
  const script = createInstallScript({ sourceDir });

  async function platformOrThrow(id: string): Promise<GatewayPlatform> {
    const platforms = await bundles.platforms();
    if (platforms.length === 0) throw new AppError('GATEWAY_BUILD_UNAVAILABLE');
    const platform = platforms.find((p) => p.id === id);
    if (!platform) {
      const available = platforms.map((p) => p.id);
      throw new AppError(
        'GATEWAY_PLATFORM_UNAVAILABLE',
        `This Flowgate server has no gateway build for ${id.slice(0, 40)} (it has: ${available.join(', ')})`,
        { platform: id.slice(0, 40), available },
      );
    }
    return platform;
  }

  return {
    /** gateway/install.sh with `serverUrl` (a checked plain URL) filled in. */
    installScript: (serverUrl: string) => script.render(serverUrl),

    /** What the UI needs to show the install command; cheap (no bundle is built). */
    async info(serverUrl: string): Promise<GatewayInstallInfo> {
      const platforms = await bundles.platforms();
      return {
        server_url: serverUrl,
        install_script_url: `${serverUrl}/install.sh`,
        command: gatewayInstallCommand(serverUrl, REGISTRATION_TOKEN_PLACEHOLDER),
        platforms: platforms.map(({ id, os, arch }) => ({ id, os, arch })),
        downloads_url: `${serverUrl}${downloadsPath}`,
        build_available: platforms.length > 0,
        message: platforms.length > 0 ? null : new AppError('GATEWAY_BUILD_UNAVAILABLE').message,
      };
    },

    /** Every platform with its files and sums (builds the bundles that are not built yet). */
    async index(serverUrl: string): Promise<GatewayDownloadsIndex> {
      const platforms = await bundles.platforms();
      return {
        server_url: serverUrl,
        install_script_url: `${serverUrl}/install.sh`,
        platforms: await Promise.all(
          platforms.map(async (p) => {
            const b = await bundles.bundle(p);
            return {
              id: p.id,
              os: p.os,
              arch: p.arch,
              version: b.version,
              built_at: b.built_at,
              files: b.files.map((f) => ({
                name: f.name,
                url: `${serverUrl}${downloadsPath}${p.id}/${f.name}`,
                size: f.size,
                sha256: f.sha256,
              })),
              contents: b.contents.map((c) => ({ ...c, mode: c.mode.toString(8).padStart(4, '0') })),
            };
          }),
        ),
      };
    },

    /** A download: GATEWAY_BUILD_UNAVAILABLE, GATEWAY_PLATFORM_UNAVAILABLE or NOT_FOUND when there is none. */
    async file(platformId: string, name: string): Promise<DownloadFile> {
      const platform = await platformOrThrow(platformId);
      const names = [bundleName(platform.id, true), bundleName(platform.id, false), 'SHA256SUMS'];
      if (!names.includes(name))
        throw new AppError(
          'NOT_FOUND',
          `No download ${name.slice(0, 80)} for ${platform.id} (files: ${names.join(', ')})`,
        );
      const bundle = await bundles.bundle(platform);
      const file = bundle.files.find((f) => f.name === name)!;
      return { ...file, open: () => createReadStream(file.path) };
    },
  };
}

export type GatewayInstallService = ReturnType<typeof createGatewayInstallService>;
