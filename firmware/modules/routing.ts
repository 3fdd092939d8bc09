// RoutingModule (firmware src/modules/RoutingModule.cpp, 2.7.26), the last module of the chain: it
// sees every packet (promiscuous, encrypted ones too) that no earlier module stopped. Rules:
//   - a ROUTING_APP payload that does not decode stops it (ProtobufModule);
//   - in LOCAL_ONLY / KNOWN_ONLY mode an undecodable packet goes no further unless it could be a
//     PKI DM (channel 0, unicast) and its sender or its destination is known with user info (13-22);
//   - a licensed owner ignores packets from or to nodes known to be unlicensed (23-29);
//   - then the router sniffs it (ACKs, next hops, relaying: router.ts sniffReceived), and a packet
//     to us or broadcast, not from 0, goes to MeshService (NodeDB, first sight, the app) (36-39).
import { RebroadcastMode } from "../wire/enums.js";
import { PortNum } from "../wire/enums.js";
import { RoutingCodec } from "../wire/messages.js";
import type { Routing } from "../wire/messages.js";
import { isBroadcast } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import type { Router } from "../mesh/router.js";
import type { ModuleChainState } from "./call-modules.js";
import { ProcessMessage } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** MeshService::handleFromRadio, as the routing module calls it. */
export interface FromRadioSink {
  handleFromRadio(p: MeshPacketState, now: number): void;
}

export class RoutingModule implements MeshModule {
  readonly name = "routing";
  readonly isPromiscuous = true;
  readonly encryptedOk = true;
  readonly loopbackOk = false;
  ignoreRequest = false;
  private readonly ctx: ModuleContext;
  private readonly router: Router;
  private readonly service: FromRadioSink;
  private readonly chain: ModuleChainState;

  constructor(ctx: ModuleContext, router: Router, service: FromRadioSink, chain: ModuleChainState) {
    this.ctx = ctx;
    this.router = router;
    this.service = service;
    this.chain = chain;
  }

  wantPacket(): boolean {
    return true;
  }

  handleReceived(p: MeshPacketState, _src: number, now: number): ProcessMessage {
    const ctx = this.ctx;
    let routing: Routing | undefined;
    if (p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.ROUTING_APP) {
      const r = RoutingCodec.decode(p.decoded.payload || new Uint8Array(0));
      if (!r.ok) return ProcessMessage.Stop;
      routing = r.value;
    }
    const mode = ctx.config.rebroadcastMode;
    if (p.decoded === undefined && (mode === RebroadcastMode.LOCAL_ONLY || mode === RebroadcastMode.KNOWN_ONLY)) {
      const maybePki = p.channel === 0 && !isBroadcast(p.to);
      if (!maybePki) return ProcessMessage.Continue;
      if (!ctx.nodes.hasUser(p.from) && !ctx.nodes.hasUser(p.to)) return ProcessMessage.Continue;
    } else if (ctx.config.isLicensed && (ctx.nodes.licensed(p.from) === false || ctx.nodes.licensed(p.to) === false)) return ProcessMessage.Continue;
    this.router.sniffReceived(p, routing, this.chain.reply !== undefined, now);
    if ((isBroadcast(p.to) || p.to === ctx.config.nodeNum) && p.from !== 0) this.service.handleFromRadio(p, now);
    return ProcessMessage.Continue;
  }
}
