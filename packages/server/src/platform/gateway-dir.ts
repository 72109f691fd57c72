// The gateway directory shipped with the server (<repo>/gateway; /app/gateway in the control-plane
// image): onboarding scripts, the supervisor config template, the install script. The binaries are in
// its build directory (platform/collector.ts: gatewayBinDir).
import { fileURLToPath } from 'node:url';

export const gatewaySourceDir = fileURLToPath(new URL('../../../../gateway/', import.meta.url));
