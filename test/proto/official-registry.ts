// Loads the descriptors of the official @meshtastic/protobufs package (the
// reference our proto/ files are checked against) into a registry.
import { createRegistry, type DescFile, type Registry } from "@bufbuild/protobuf";

// The package's "types" entry names dist/mod.d.ts, which it does not ship,
// so TypeScript cannot type a static import of it. Importing through a
// variable specifier yields an untyped module that is narrowed at runtime.
const OFFICIAL_PACKAGE: string = "@meshtastic/protobufs";

function isDescFile(value: unknown): value is DescFile {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "file";
}

/** Every file descriptor the package exports (its namespaces hold `file_*` descriptors). */
export async function loadOfficialFiles(): Promise<DescFile[]> {
  const mod: unknown = await import(OFFICIAL_PACKAGE);
  const files = new Map<string, DescFile>();
  for (const namespace of Object.values(mod as Record<string, unknown>)) {
    if (typeof namespace !== "object" || namespace === null) continue;
    for (const exported of Object.values(namespace as Record<string, unknown>)) {
      if (isDescFile(exported)) files.set(exported.name, exported);
    }
  }
  return [...files.values()];
}

export async function loadOfficialRegistry(): Promise<Registry> {
  const files = await loadOfficialFiles();
  if (files.length === 0) throw new Error(`${OFFICIAL_PACKAGE} exported no file descriptors`);
  return createRegistry(...files);
}
