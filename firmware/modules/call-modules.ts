// MeshModule::callModules (firmware MeshModule.cpp 88-205, 2.7.26): every received packet that
// passes the router's filters is offered to the modules in order. Rules:
//   - a module sees a packet when it is decoded (or the module takes encrypted ones), when it is to
//     us or broadcast (or the module is promiscuous), when it wants the port, and, for packets we
//     generated ourselves (RX_SRC_LOCAL), only if it takes loopback;
//   - each handles it, then may alter it; a STOP ends the chain (the routing module is last, so a
//     STOP means no ACK, no relay, no delivery);
//   - for a decoded want_response packet to us or broadcast, not from us (unless to us), the first
//     module with a reply answers (setReplyTo); the reply is sent after the chain;
//   - no module answering such a request from someone else gets a NO_RESPONSE NAK, unless a module
//     declined on purpose (ignoreRequest). A module's flag stays set once set (only NodeInfo clears
//     it when it replies), as in the firmware.
// The reply is "MeshModule::currentReply": the routing module reads it to skip the plain ACK.
import { RoutingError } from "../wire/enums.js";
import { isBroadcast } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { RxSource } from "../mesh/router.js";
import { ProcessMessage, setReplyTo } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** The chain's state while it runs (MeshModule::currentReply). */
export interface ModuleChainState {
  reply: MeshPacketState | undefined;
}

export function callModules(modules: MeshModule[], chain: ModuleChainState, p: MeshPacketState, src: RxSource, ctx: ModuleContext, now: number): void {
  const isDecoded = p.decoded !== undefined;
  const ourNum = ctx.config.nodeNum;
  const toUs = isBroadcast(p.to) || p.to === ourNum;
  const fromUs = p.from === 0 || p.from === ourNum;
  chain.reply = undefined;
  let ignoreRequest = false;
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i];
    let wants = (isDecoded || m.encryptedOk) && (m.isPromiscuous || toUs) && m.wantPacket(p);
    if (src === RxSource.Local && !m.loopbackOk) wants = false;
    if (!wants) continue;
    const handled = m.handleReceived(p, src, now);
    if (m.alterReceived !== undefined) m.alterReceived(p, now);
    const d = p.decoded;
    if (d !== undefined && d.wantResponse === true && toUs && (!fromUs || p.to === ourNum) && chain.reply === undefined) {
      const r = m.allocReply !== undefined ? m.allocReply(p, now) : undefined;
      if (r !== undefined) {
        setReplyTo(r, p, ctx);
        chain.reply = r;
      }
      ignoreRequest = ignoreRequest || m.ignoreRequest;
    }
    if (handled === ProcessMessage.Stop) break;
  }
  const d = p.decoded;
  if (d !== undefined && d.wantResponse === true && toUs) {
    const reply = chain.reply;
    chain.reply = undefined;
    if (reply !== undefined) ctx.sendToMesh(reply, RxSource.Local, now);
    else if (p.from !== ourNum && !ignoreRequest) ctx.sendAckNak(RoutingError.NO_RESPONSE, p.from === 0 ? ourNum : p.from, p.id, p.channel, ctx.hopLimitForResponse(p), false, now);
  }
  chain.reply = undefined;
}
