// What a MeshNode is told (events) and what it asks its driver to do (actions). A driver turns
// radio interrupts, sockets and timers into events, and runs the actions; the core does no I/O.
import type { MeshPacketState } from "./mesh/packet.js";
import type { MqttClientProxyMessage } from "./wire/messages.js";

export interface RadioRxEvent {
  type: "radio-rx";
  /** The LoRa PHY payload: 16-byte header + encrypted payload. */
  frame: Uint8Array;
  rssi: number;
  snr: number;
  /**
   * The radio still detects another frame on air once this one is decoded (the CAD the firmware
   * runs before it transmits, RadioLibInterface::isChannelActive). Absent means a quiet channel.
   */
  busy?: boolean;
}

/** The radio received a frame it could not read (payload CRC error) of this many bytes. */
export interface RadioRxErrorEvent {
  type: "radio-rx-error";
  lengthBytes: number;
  /** As RadioRxEvent.busy. */
  busy?: boolean;
}

/** The radio started (busy = true) or stopped (false) receiving a preamble: the CAD/RX state. */
export interface ChannelBusyEvent {
  type: "channel-busy";
  busy: boolean;
}

export interface RadioTxDoneEvent {
  type: "radio-tx-done";
  /** Back in receive, the radio already hears another frame (as RadioRxEvent.busy). */
  busy?: boolean;
}

/** The driver's timer for nextDeadline() fired (any event also lets the node run what is due). */
export interface TickEvent {
  type: "tick";
}

export interface SendRequest {
  to: number;
  portnum: number;
  payload: Uint8Array;
  /** Local channel index. */
  channel: number;
  wantAck: boolean;
  wantResponse: boolean;
  /** 0 = the configured hop limit (unless hopLimitExact). */
  hopLimit: number;
  /** Take hopLimit as given, 0 included (JSON downlinks: the firmware copies the envelope's hopLimit). */
  hopLimitExact?: boolean;
  /** Data.reply_id (UI threading) or 0. */
  replyId: number;
  /** Data.request_id when answering a request, or 0. */
  requestId: number;
  /** Force PKI (MeshPacket.pki_encrypted from a client). */
  pkiEncrypted: boolean;
}

export interface AppSendEvent {
  type: "app-send";
  request: SendRequest;
}

/** ToRadio.mqttClientProxyMessage from the phone (client-proxy mode). */
export interface ClientProxyEvent {
  type: "client-proxy";
  message: MqttClientProxyMessage;
}

/** The driver's TCP/TLS connection to the broker opened. */
export interface SocketOpenedEvent {
  type: "socket-opened";
  /** Remote IPv4/IPv6 address, so a host name that resolves to a private address counts as private. */
  remoteAddress: string;
}

export interface SocketDataEvent {
  type: "socket-data";
  bytes: Uint8Array;
}

/** The connection closed or failed to open; `reason` is one line for logs and the CLI. */
export interface SocketClosedEvent {
  type: "socket-closed";
  reason: string;
}

export type NodeEvent =
  | RadioRxEvent
  | RadioRxErrorEvent
  | ChannelBusyEvent
  | RadioTxDoneEvent
  | TickEvent
  | AppSendEvent
  | ClientProxyEvent
  | SocketOpenedEvent
  | SocketDataEvent
  | SocketClosedEvent;

export interface RadioTxAction {
  type: "radio-tx";
  frame: Uint8Array;
  /** Time on air of the frame, for the driver's and the medium's bookkeeping. */
  airtimeMs: number;
}

/** A decoded packet for the local app/phone: to us, broadcast, or generated locally (ACK/NAK). */
export interface DeliverAction {
  type: "deliver";
  packet: MeshPacketState;
}

export interface LogAction {
  type: "log";
  message: string;
}

/** FromRadio.mqttClientProxyMessage for the phone (client-proxy mode). */
export interface ClientProxyAction {
  type: "client-proxy";
  message: MqttClientProxyMessage;
}

export interface SocketOpenAction {
  type: "socket-open";
  host: string;
  port: number;
  tls: boolean;
  /** Skip certificate validation (only with the explicit insecure switch). */
  tlsInsecure: boolean;
}

export interface SocketWriteAction {
  type: "socket-write";
  bytes: Uint8Array;
}

export interface SocketCloseAction {
  type: "socket-close";
}

export type NodeAction = RadioTxAction | DeliverAction | LogAction | ClientProxyAction | SocketOpenAction | SocketWriteAction | SocketCloseAction;

/** A SendRequest with every optional field at its default. */
export function sendRequest(to: number, portnum: number, payload: Uint8Array, channel: number): SendRequest {
  return { to, portnum, payload, channel, wantAck: false, wantResponse: false, hopLimit: 0, replyId: 0, requestId: 0, pkiEncrypted: false };
}
