// Builds dist/ (the JavaScript the package's exports map points at) once before the suite, so the
// package-exports test checks what a consumer would import, not a stale build.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
