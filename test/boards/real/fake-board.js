// A fake board for the real Espruino interpreter, in the JavaScript Espruino runs: the LoRa chip
// (SX1262 or SX127x, answering the commands and registers our drivers use the way the datasheets
// lay them out, like test/boards/radio/fake-sx*.ts do in Node) behind SPI1, digitalWrite/Read and
// setWatch, plus a `Wifi` module that associates at once. The Linux interpreter has none of these
// (its SPI and pins are stubs, there is no Wifi library); net, Storage, crypto and the interpreter
// itself stay real. Saved as Storage file `.boot0`, which Espruino runs before `.bootcde`
// (src/jsflash.c jsfLoadBootCodeFromFlash), so the bundle boots on it unchanged.
//
// The test prepends `var FAKE = {chip, pins, radio, wifi, txMs}`: radio false leaves no chip on the
// bus (MISO reads 0), wifi false leaves require("Wifi") failing as on a firmware without it.
// Memory stays small and flat: the chip keeps the last TX_KEEP frames only, as hex.
(function () {
  var TX_KEEP = 8;
  var P = FAKE.pins;
  var watchers = [];
  var fake = { chip: FAKE.chip, txCount: 0, tx: [], spiCalls: 0 };
  global.fake = fake;
  function hex(a) {
    var s = "";
    for (var i = 0; i < a.length; i++) s += (a[i] < 16 ? "0" : "") + a[i].toString(16);
    return s;
  }
  function unhex(s) {
    var a = new Uint8Array(s.length / 2);
    for (var i = 0; i < a.length; i++) a[i] = parseInt(s.substr(i * 2, 2), 16);
    return a;
  }
  function sent(frame) {
    fake.txCount++;
    fake.tx.push(hex(frame));
    if (fake.tx.length > TX_KEEP) fake.tx.shift();
  }
  // setWatch callbacks run from Espruino's idle loop, not inside the code that changed the pin: a
  // timeout gives the driver the same (shallow) stack it has on a board.
  function raiseDio(pin) {
    var t = getTime();
    for (var i = 0; i < watchers.length; i++) {
      if (watchers[i].pin === pin) {
        (function (cb) {
          setTimeout(function () { cb({ state: true, time: t }); }, 0);
        })(watchers[i].cb);
      }
    }
  }

  // ---- SX1262 (SX1261/2 datasheet chapter 13: a status byte in the slots before the data)
  var sx = { mode: 2, irq: 0, irqMask: 0, dio1Mask: 0, regs: {}, buf: new Uint8Array(256), rxLen: 0, rssi: 0, snr: 0, len: 255 };
  function sx1262(d) {
    var out = new Uint8Array(d.length);
    out.fill((sx.mode << 4) | 4);
    var op = d[0], i, a;
    if (op === 0x80) sx.mode = d[1] === 0 ? 2 : 3;
    else if (op === 0x0d) { a = (d[1] << 8) | d[2]; for (i = 3; i < d.length; i++) sx.regs[a + i - 3] = d[i]; }
    else if (op === 0x1d) { a = (d[1] << 8) | d[2]; for (i = 4; i < d.length; i++) out[i] = sx.regs[a + i - 4] || 0; }
    else if (op === 0x0e) { for (i = 2; i < d.length; i++) sx.buf[(d[1] + i - 2) & 255] = d[i]; }
    else if (op === 0x1e) { for (i = 3; i < d.length; i++) out[i] = sx.buf[(d[1] + i - 3) & 255]; }
    else if (op === 0x08) { sx.irqMask = (d[1] << 8) | d[2]; sx.dio1Mask = (d[3] << 8) | d[4]; }
    else if (op === 0x12) { out[2] = (sx.irq >> 8) & 255; out[3] = sx.irq & 255; }
    else if (op === 0x02) sx.irq &= ~((d[1] << 8) | d[2]);
    else if (op === 0x13) { out[2] = sx.rxLen; out[3] = 0; }
    else if (op === 0x14) { out[2] = sx.rssi; out[3] = sx.snr; out[4] = sx.rssi; }
    else if (op === 0x8c) sx.len = d[4];
    else if (op === 0x83) { sx.mode = 6; sent(sx.buf.subarray(0, sx.len)); }
    else if (op === 0x82 || op === 0xc5) sx.mode = 5;
    return out;
  }
  function sx1262Raise(bits) {
    sx.irq |= bits & sx.irqMask;
    if (bits & sx.dio1Mask) raiseDio(P.dio1);
  }

  // ---- SX127x (SX1276 datasheet 4.1 and 6.4: register reads and writes, FIFO at address 0)
  var lr = new Uint8Array(128), fifo = new Uint8Array(256);
  function sx127xReset() {
    lr = new Uint8Array(128);
    lr[0x01] = 0x09; lr[0x06] = 0x6c; lr[0x07] = 0x80; lr[0x09] = 0x4f; lr[0x0b] = 0x2b; lr[0x0c] = 0x20;
    lr[0x0e] = 0x80; lr[0x1d] = 0x72; lr[0x1e] = 0x70; lr[0x21] = 0x08; lr[0x22] = 0x01; lr[0x23] = 0xff;
    lr[0x39] = 0x12; lr[0x42] = 0x12; lr[0x4d] = 0x84;
  }
  function sx127x(d) {
    var out = new Uint8Array(d.length);
    var write = (d[0] & 0x80) !== 0, a = d[0] & 0x7f;
    for (var i = 1; i < d.length; i++) {
      if (a === 0) {
        if (write) fifo[lr[0x0d]] = d[i]; else out[i] = fifo[lr[0x0d]];
        lr[0x0d] = (lr[0x0d] + 1) & 255;
      } else if (!write) out[i] = lr[a];
      else if (a === 0x12) lr[0x12] &= ~d[i] & 255;
      else if (a !== 0x42) {
        lr[a] = d[i];
        if (a === 0x01 && (d[i] & 0x87) === 0x83) {
          var f = new Uint8Array(lr[0x22]);
          for (var j = 0; j < f.length; j++) f[j] = fifo[(lr[0x0e] + j) & 255];
          sent(f);
        }
      }
      if (a !== 0) a++;
    }
    return out;
  }

  if (FAKE.chip === "sx1262") sx1262Raise(0); else sx127xReset();
  SPI1.setup = function () {};
  SPI1.send = function (data, nss) {
    fake.spiCalls++;
    if (!FAKE.radio || nss !== P.nss) return new Uint8Array(data.length);
    return FAKE.chip === "sx1262" ? sx1262(data) : sx127x(data);
  };
  global.digitalWrite = function (pin, v) {
    if (pin === P.reset && v && FAKE.chip !== "sx1262") sx127xReset();
  };
  global.digitalRead = function () {
    return 0; // BUSY low: the fake chip is never busy
  };
  global.pinMode = function () {};
  global.setWatch = function (cb, pin) {
    watchers.push({ pin: pin, cb: cb });
    return watchers.length;
  };

  /** A frame arrives: hex bytes, then RSSI and SNR as the chip reports them (raw register values). */
  fake.rx = function (h, rssiRaw, snrRaw) {
    var f = unhex(h), i;
    if (FAKE.chip === "sx1262") {
      for (i = 0; i < f.length; i++) sx.buf[i] = f[i];
      sx.rxLen = f.length; sx.rssi = rssiRaw; sx.snr = snrRaw & 255;
      sx1262Raise(0x002);
    } else {
      for (i = 0; i < f.length; i++) fifo[(lr[0x0f] + i) & 255] = f[i];
      lr[0x10] = lr[0x0f]; lr[0x13] = f.length; lr[0x19] = snrRaw & 255; lr[0x1a] = rssiRaw & 255;
      lr[0x12] |= 0x50;
      if ((lr[0x40] & 0xc0) === 0x00) raiseDio(P.dio0);
    }
  };
  // The air: a frame the chip started sending is done TX_MS later (TX_DONE).
  setInterval(function () {
    if (FAKE.chip === "sx1262") {
      if (sx.mode === 6) { sx.mode = 2; sx1262Raise(0x001); }
    } else if ((lr[0x01] & 7) === 3) {
      lr[0x01] = (lr[0x01] & 0xf8) | 1;
      lr[0x12] |= 0x08;
      if ((lr[0x40] & 0xc0) === 0x40) raiseDio(P.dio0);
    }
  }, FAKE.txMs);

  if (FAKE.wifi) {
    // Module source as a string: addCached takes (name, string|function) and runs it with `exports`.
    Modules.addCached("Wifi", "exports.connect=function(s,o,cb){setTimeout(function(){cb(null)},5)};" + "exports.disconnect=function(cb){if(cb)setTimeout(cb,1)};exports.on=function(){};");
  }
})();
