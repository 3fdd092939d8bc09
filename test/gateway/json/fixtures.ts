// Packets shared by the JSON uplink tests: one per port the firmware serializer knows, built with
// our compact codecs, plus helpers. Node numbers are chosen so the expected text is easy to read.
import { utf8Encode } from "../../../firmware/bytes/utf8.js";
import { NodeDb } from "../../../firmware/mesh/node-db.js";
import { emptyPacket, type MeshPacketState } from "../../../firmware/mesh/packet.js";
import { PortNum } from "../../../firmware/wire/enums.js";
import {
  NeighborInfoCodec,
  PositionCodec,
  RouteDiscoveryCodec,
  TelemetryCodec,
  UserCodec,
  WaypointCodec,
  type Data,
} from "../../../firmware/wire/messages.js";

export const GATEWAY = 0xdeadbeef;
/** 0x0a0b0c0d */
export const FROM = 168496141;
/** 0x01020304 */
export const ID = 16909060;
export const RX_TIME = 1700000000;
export const REQUESTER = 0x11111111;

/** A decoded broadcast heard on channel 1 with no RSSI/SNR and no hop information. */
export function packet(decoded: Data): MeshPacketState {
  const p = emptyPacket();
  p.from = FROM;
  p.to = 0xffffffff;
  p.id = ID;
  p.channel = 1;
  p.rxTime = RX_TIME;
  p.decoded = decoded;
  return p;
}

/** The top-level keys packet() gives, around `type` and an optional payload text. */
export function bare(type: string, payload: string | undefined): string {
  return (
    `{"channel":1,"from":${FROM},"id":${ID},` +
    (payload === undefined ? "" : `"payload":${payload},`) +
    `"sender":"!deadbeef","timestamp":${RX_TIME},"to":4294967295,"type":"${type}"}`
  );
}

export const text = (s: string | Uint8Array): Data => ({ portnum: PortNum.TEXT_MESSAGE_APP, payload: typeof s === "string" ? utf8Encode(s) : s });

export const POSITION = {
  latitudeI: 523456789,
  longitudeI: -12345678,
  altitude: 35,
  time: 1700000000,
  groundSpeed: 3,
  groundTrack: 0,
  satsInView: 7,
  PDOP: 150,
  precisionBits: 32,
};
export const positionData: Data = { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode(POSITION) };

export const USER = { id: "!0a0b0c0d", longName: "Base / Camp", shortName: "BC", hwModel: 43, role: 2 };
export const nodeinfoData: Data = { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode(USER) };

export const deviceData: Data = {
  portnum: PortNum.TELEMETRY_APP,
  payload: TelemetryCodec.encode({ time: 1700000000, deviceMetrics: { batteryLevel: 87, voltage: 4.2, channelUtilization: 12.5, airUtilTx: 0.3, uptimeSeconds: 3600 } }),
};

export const environmentData: Data = {
  portnum: PortNum.TELEMETRY_APP,
  payload: TelemetryCodec.encode({
    environmentMetrics: { temperature: 23.5, relativeHumidity: 65.3, barometricPressure: 1013.25, iaq: 50, windDirection: 270, soilMoisture: 40, rainfall1h: 0, oneWireTemperature: [1, 2] },
  }),
};

export const WAYPOINT = { id: 77, name: "Camp", description: 'Tents "here"', expire: 1700003600, lockedTo: 0, latitudeI: 1, longitudeI: -1, icon: 0x1f3d5 };
export const waypointData: Data = { portnum: PortNum.WAYPOINT_APP, payload: WaypointCodec.encode(WAYPOINT) };

export const NEIGHBORS = {
  nodeId: FROM,
  lastSentById: FROM,
  nodeBroadcastIntervalSecs: 900,
  neighbors: [
    { nodeId: 1, snr: 5.5 },
    { nodeId: 2, snr: -3.75 },
  ],
};
export const neighborinfoData: Data = { portnum: PortNum.NEIGHBORINFO_APP, payload: NeighborInfoCodec.encode(NEIGHBORS) };

export const ROUTE = { route: [0x22222222], snrTowards: [25, -10], routeBack: [0x33333333], snrBack: [12, 7] };
export const tracerouteReplyData: Data = { portnum: PortNum.TRACEROUTE_APP, payload: RouteDiscoveryCodec.encode(ROUTE), requestId: 99 };

/** A traceroute reply from FROM back to REQUESTER. */
export function tracerouteReply(): MeshPacketState {
  const p = packet(tracerouteReplyData);
  p.to = REQUESTER;
  return p;
}

/** Node DB with the requester, the responder and one relay by name; 0x33333333 known without user info. */
export function routeNodes(): NodeDb {
  const db = new NodeDb(GATEWAY, 10);
  db.getOrCreate(REQUESTER).user = { longName: "Requester" };
  db.getOrCreate(FROM).user = { longName: "Responder" };
  db.getOrCreate(0x22222222).user = { longName: "Relay/One" };
  db.getOrCreate(0x33333333);
  return db;
}
