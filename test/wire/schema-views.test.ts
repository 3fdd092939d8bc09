// DeviceTelemetrySchema is a view of TelemetrySchema for the device-telemetry module (so board
// bundles leave the other variants' tables out): it must encode every device-metrics Telemetry to
// the same bytes, and decode them to the same value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeviceTelemetrySchema, TelemetrySchema } from "../../firmware/wire/schemas.js";
import { DeviceTelemetryCodec, TelemetryCodec } from "../../firmware/wire/messages.js";
import type { Telemetry } from "../../firmware/wire/messages.js";

const f32 = fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Math.fround(x));

const deviceTelemetry: fc.Arbitrary<Telemetry> = fc.record(
  {
    time: fc.nat({ max: 0xffffffff }),
    deviceMetrics: fc.record(
      { batteryLevel: fc.nat({ max: 101 }), voltage: f32, channelUtilization: f32, airUtilTx: f32, uptimeSeconds: fc.nat({ max: 0xffffffff }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["deviceMetrics"] },
);

describe("DeviceTelemetrySchema", () => {
  it("has TelemetrySchema's fields time and deviceMetrics, nothing else", () => {
    expect(DeviceTelemetrySchema.name).toBe(TelemetrySchema.name);
    expect(DeviceTelemetrySchema.fields.map((f) => f.name)).toEqual(["time", "deviceMetrics"]);
    for (const f of DeviceTelemetrySchema.fields) expect(TelemetrySchema.byNo[f.no]).toEqual(f);
  });

  it("encodes and decodes device metrics exactly as TelemetryCodec", () => {
    fc.assert(
      fc.property(deviceTelemetry, (t) => {
        const ours = DeviceTelemetryCodec.encode(t);
        expect(ours).toEqual(TelemetryCodec.encode(t));
        const a = DeviceTelemetryCodec.decode(ours);
        const b = TelemetryCodec.decode(ours);
        expect(a.ok && b.ok).toBe(true);
        if (a.ok && b.ok) expect(a.value).toEqual(b.value);
      }),
      { numRuns: 500 },
    );
  });
});
