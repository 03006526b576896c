import type { Platform } from './manifests';

const ARM_VARIANT = /^armv(\d)/i;

/**
 * The platform the engine pulls for: `Os` and `Arch` of `GET /version` (Go's names: `linux`, `amd64`, `arm64`), and
 * the variant from `GET /info`'s `Architecture` (uname's machine: `armv7l` is `v7`, `aarch64` is `v8`).
 */
export function hostPlatform(version: { Os?: unknown; Arch?: unknown }, info: { Architecture?: unknown }): Platform {
  const os = typeof version.Os === 'string' && version.Os ? version.Os : 'linux';
  const architecture = typeof version.Arch === 'string' && version.Arch ? version.Arch : 'amd64';
  const machine = typeof info.Architecture === 'string' ? info.Architecture : '';
  const arm = ARM_VARIANT.exec(machine);
  let variant: string | undefined;
  if (architecture === 'arm' && arm) variant = `v${arm[1]}`;
  if (architecture === 'arm64') variant = 'v8';
  return { os, architecture, ...(variant && { variant }) };
}
