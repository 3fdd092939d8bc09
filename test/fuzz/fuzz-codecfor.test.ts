// Fuzz, issue 8 (CI size): codecFor(schema), the generic codec, for every MessageSchema exported by
// firmware/wire/schemas.ts (the nested ones too). See fuzz.test.ts.
import { describe, expect, it } from "vitest";
import * as schemas from "../../firmware/wire/schemas.js";
import { allSchemas } from "./targets.js";
import { fuzzFamilies } from "./vitest-fuzz.js";

describe("fuzz coverage of the schemas", () => {
  it("every *Schema export of schemas.ts is under fuzz", () => {
    const names = Object.keys(schemas).filter((k) => k.endsWith("Schema"));
    expect(names.length).toBeGreaterThanOrEqual(28);
    expect(allSchemas().map((s) => s.name)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });
});

fuzzFamilies(["codecFor"]);
