// The opampsupervisor configuration. One source: gateway/supervisor.yaml.tmpl, which gateway/onboard.sh
// renders on a gateway host (the install script, the container entrypoint and `flowgate gateway run` all
// go through it) and which this module renders for zero-touch enrolment (seed "Supervisor UI"). The
// plaintext registration token is not stored by the server, so that file references it from the
// environment; the supervisor expands ${VAR} in its configuration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewaySourceDir } from '../../platform/gateway-dir.ts';

/** Where the install script and the download bundle put things on a host. */
export const INSTALL_DIR = '/opt/flowgate-gateway';

export interface SupervisorTemplateValues {
  OPAMP_SERVER_URL: string;
  OPAMP_TOKEN: string;
  STORAGE_DIR: string;
  COLLECTOR_BIN: string;
  COLLECTOR_SHIM: string;
  GATEWAY_NAME: string;
  /** Empty: the line is dropped (no base config), as onboard.sh does. */
  COLLECTOR_BASE_CONFIG: string;
}

/** onboard.sh's render(), in TypeScript: replaces the ${NAME} placeholders of the template. */
export function renderSupervisorTemplate(template: string, values: SupervisorTemplateValues): string {
  let text = template;
  if (!values.COLLECTOR_BASE_CONFIG) text = text.replace(/^.*\$\{COLLECTOR_BASE_CONFIG\}.*\n/gm, '');
  for (const [name, value] of Object.entries(values)) text = text.split(`\${${name}}`).join(value);
  return text;
}

let cachedTemplate: string | null = null;
function template(): string {
  cachedTemplate ??= readFileSync(join(gatewaySourceDir, 'supervisor.yaml.tmpl'), 'utf8');
  return cachedTemplate;
}

/** The template without its leading comment block (it explains onboard.sh's placeholders). */
function body(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i]!.startsWith('#') || lines[i]!.trim() === '')) i++;
  return lines.slice(i).join('\n');
}

/** Zero-touch supervisor.yaml: the registration token is the supervisor's bearer token, from $FLOWGATE_TOKEN. */
export function supervisorYaml(opts: {
  opampUrl: string;
  name: string;
  installCommand: string;
  downloadsUrl: string;
  storageDir?: string;
}): string {
  const rendered = renderSupervisorTemplate(body(template()), {
    OPAMP_SERVER_URL: opts.opampUrl,
    OPAMP_TOKEN: '${FLOWGATE_TOKEN}',
    STORAGE_DIR: opts.storageDir ?? '/var/lib/flowgate-gateway',
    COLLECTOR_BIN: `${INSTALL_DIR}/otelcol-flowgate`,
    COLLECTOR_SHIM: `${INSTALL_DIR}/collector-shim.sh`,
    GATEWAY_NAME: opts.name,
    COLLECTOR_BASE_CONFIG: '',
  });
  return `# Flowgate gateway "${opts.name}" — opampsupervisor configuration, zero-touch enrolment.
# For a host where the gateway bundle (${opts.downloadsUrl}) is unpacked in ${INSTALL_DIR}:
#   export FLOWGATE_TOKEN=<registration token>   # shown once when it was created
#   ${INSTALL_DIR}/opampsupervisor --config supervisor.yaml
# Simpler on a new host: the install script does all of it (download, checks, service):
#   ${opts.installCommand}

${rendered}`;
}
