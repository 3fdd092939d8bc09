// AdminModule (firmware src/modules/AdminModule.cpp, 2.7.26) as far as a node without admin keys,
// admin channel or local client answers the mesh: first in the module chain (Modules.cpp 124).
// Rules (handleReceivedProtobuf 72-127), for a decoded ADMIN_APP packet to us:
//   - a payload that is not a protobuf message stops the chain (ProtobufModule);
//   - a response variant (get_*_response, messageIsResponse 1461-1476) is let through, unanswered;
//   - one from our own app (from 0) is local administration: not answered here (the client API,
//     issue 17, will handle it);
//   - one on a channel named "admin" gets NOT_AUTHORIZED (legacy admin channel disabled, the default);
//   - a PKI one gets ADMIN_PUBLIC_KEY_UNAUTHORIZED (no admin key configured, the default);
//   - any other gets NOT_AUTHORIZED.
// The error answer goes out only when the request asked for a response (MeshModule::sendResponse);
// the chain goes on either way.
//
// The AdminMessage schema is not ported: the payload is read only for its top-level fields, so a
// message with a malformed sub-message passes here where nanopb would refuse it.
import { readerOf } from "../bytes/byte-reader.js";
import { catchWireError } from "../bytes/wire-error.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { PortNum, Priority, RoutingError } from "../wire/enums.js";
import { RoutingCodec } from "../wire/messages.js";
import { ProcessMessage } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** AdminMessage get_*_response field numbers (admin.pb.h 558-596). */
const RESPONSE_VARIANTS = [2, 4, 6, 8, 11, 13, 15, 17, 20, 45];
/** AdminMessage.session_passkey: outside the payload oneof. */
const SESSION_PASSKEY_FIELD = 101;
/** Channels::adminChannel. */
const ADMIN_CHANNEL_NAME = "admin";

/** which_payload_variant of an AdminMessage (the last oneof field on the wire), 0 for none, -1 when it does not parse. */
export function adminVariant(b: Uint8Array): number {
  const r = catchWireError(() => {
    const rd = readerOf(b);
    let variant = 0;
    while (rd.pos < rd.end) {
      const tag = rd.varint();
      const no = tag >>> 3;
      const wire = tag & 7;
      if (no === 0) return -1;
      if (wire === 0) rd.varint();
      else if (wire === 1) rd.skip(8);
      else if (wire === 5) rd.skip(4);
      else if (wire === 2) rd.skip(rd.length("field"));
      else return -1;
      if (no !== SESSION_PASSKEY_FIELD) variant = no;
    }
    return variant;
  });
  return r.ok ? r.value : -1;
}

export class AdminModule implements MeshModule {
  readonly name = "admin";
  readonly isPromiscuous = false;
  readonly encryptedOk = false;
  readonly loopbackOk = false;
  ignoreRequest = false;
  private readonly ctx: ModuleContext;
  /** ProtobufModule::myReply: the error answer for the packet being handled. */
  private myReply: MeshPacketState | undefined;

  constructor(ctx: ModuleContext) {
    this.ctx = ctx;
  }

  wantPacket(p: MeshPacketState): boolean {
    return p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.ADMIN_APP;
  }

  handleReceived(p: MeshPacketState, _src: number, now: number): ProcessMessage {
    this.myReply = undefined;
    const variant = adminVariant((p.decoded && p.decoded.payload) || new Uint8Array(0));
    if (variant < 0) return ProcessMessage.Stop;
    if (RESPONSE_VARIANTS.indexOf(variant) >= 0 || p.from === 0) return ProcessMessage.Continue;
    const ch = this.ctx.channels.get(p.channel);
    let err: number = RoutingError.NOT_AUTHORIZED;
    if (ch === undefined || ch.name.toLowerCase() !== ADMIN_CHANNEL_NAME) {
      if (p.pkiEncrypted) err = RoutingError.ADMIN_PUBLIC_KEY_UNAUTHORIZED;
    }
    this.myReply = this.allocErrorResponse(err, p, now);
    return ProcessMessage.Continue;
  }

  /** MeshModule::allocErrorResponse (76-86): a NAK to the sender on the packet's channel. */
  private allocErrorResponse(err: number, p: MeshPacketState, now: number): MeshPacketState {
    const ctx = this.ctx;
    const r = ctx.allocForSending({ portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: err }), requestId: p.id }, now);
    r.to = p.from === 0 ? ctx.config.nodeNum : p.from;
    r.channel = p.channel;
    r.priority = Priority.ACK;
    return r;
  }

  /** ProtobufModule::allocReply: the stored answer, once. */
  allocReply(): MeshPacketState | undefined {
    const r = this.myReply;
    this.myReply = undefined;
    return r;
  }
}
