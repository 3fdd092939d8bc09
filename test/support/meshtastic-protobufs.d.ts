// @meshtastic/protobufs 2.7.18 names dist/mod.d.ts in its package.json but ships the declarations
// under a hashed file name, so TypeScript cannot find them. The package is a test oracle only;
// its namespaces are used through @bufbuild/protobuf's descriptor types.
declare module "@meshtastic/protobufs" {
  import type { DescEnum, DescMessage } from "@bufbuild/protobuf";
  type Namespace = Record<string, DescMessage & DescEnum & Record<string, number>>;
  export const Mesh: Namespace;
  export const Mqtt: Namespace;
  export const Telemetry: Namespace;
  export const Channel: Namespace;
  export const Config: Namespace;
  export const ModuleConfig: Namespace;
  export const Portnums: Namespace;
}
