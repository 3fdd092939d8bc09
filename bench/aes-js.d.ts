// aes-js 3.1.2 ships no declarations; only what the aes-ctr suite uses is declared here.
declare module "aes-js" {
  /** A 16-byte counter block, incremented as one 128-bit big-endian integer. */
  interface Counter {
    setBytes(bytes: Uint8Array): void;
    increment(): void;
  }
  interface CounterConstructor {
    /** A 16-byte initial counter block, or a number for its low bytes. */
    new (initialValue: Uint8Array | number): Counter;
  }
  interface Ctr {
    /** Returns a new array; CTR encryption and decryption are the same operation. */
    encrypt(data: Uint8Array): Uint8Array;
    decrypt(data: Uint8Array): Uint8Array;
  }
  interface CtrConstructor {
    new (key: Uint8Array, counter: Counter): Ctr;
  }
  const aesjs: {
    Counter: CounterConstructor;
    ModeOfOperation: { ctr: CtrConstructor };
  };
  export default aesjs;
}
