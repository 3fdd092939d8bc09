// TextMessageModule (firmware src/modules/TextMessageModule.cpp, 2.7.26): remembers the ids of the
// last 50 texts (and detection-sensor / alert payloads) handed to us, so FloodingRouter can treat a
// copy of one as a duplicate after the packet history forgot it (recentlySeen, 54-62). Texts reach
// the app through the routing module like every packet; this module only keeps the ids.
import type { MeshPacketState } from "../mesh/packet.js";
import { PortNum } from "../wire/enums.js";
import { ProcessMessage } from "./module.js";
import type { MeshModule } from "./module.js";

/** TEXT_PACKET_LIST_SIZE: ids remembered (4 bytes each). */
export const TEXT_PACKET_LIST_SIZE = 50;

export class TextMessageModule implements MeshModule {
  readonly name = "text";
  readonly isPromiscuous = false;
  readonly encryptedOk = false;
  readonly loopbackOk = false;
  ignoreRequest = false;
  private readonly ids = new Uint32Array(TEXT_PACKET_LIST_SIZE);
  private next = 0;

  /** MeshService::isTextPayload (range test is off by default). */
  wantPacket(p: MeshPacketState): boolean {
    const port = p.decoded !== undefined ? p.decoded.portnum || 0 : 0;
    return port === PortNum.TEXT_MESSAGE_APP || port === PortNum.DETECTION_SENSOR_APP || port === PortNum.ALERT_APP;
  }

  handleReceived(p: MeshPacketState): ProcessMessage {
    this.ids[this.next] = p.id >>> 0;
    this.next = (this.next + 1) % TEXT_PACKET_LIST_SIZE;
    return ProcessMessage.Continue;
  }

  recentlySeen(id: number): boolean {
    const v = id >>> 0;
    if (v === 0) return false;
    for (let i = 0; i < TEXT_PACKET_LIST_SIZE; i++) if (this.ids[i] === v) return true;
    return false;
  }
}
