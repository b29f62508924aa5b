// A watch on the bytes a client sends, ahead of rhea: rhea buffers a frame until all of it has
// arrived, however large the size it declares, so a single unauthenticated socket could make the
// broker hold gigabytes. The watch reads each frame's declared size (AMQP 1.0 §2.3.1: a 4-byte
// size that counts the 8-byte frame header) and protocol headers ("AMQP" and 4 bytes, §2.2).

const FRAME_HEADER_BYTES = 8;

/** Returns a `data` listener that calls `refuse` as soon as a frame declares more than `maxFrameBytes`. */
export function frameSizeWatch(maxFrameBytes: number, refuse: (declared: number) => void): (chunk: Buffer) => void {
  let remaining = 0; // bytes of the current frame's body still to come
  let head = Buffer.alloc(0); // the start of a header or frame, until 8 bytes are in
  let refused = false;
  return (chunk) => {
    let offset = 0;
    while (!refused && offset < chunk.length) {
      if (remaining > 0) {
        const passed = Math.min(remaining, chunk.length - offset);
        remaining -= passed;
        offset += passed;
        continue;
      }
      const taken = chunk.subarray(offset, offset + FRAME_HEADER_BYTES - head.length);
      head = Buffer.concat([head, taken]);
      offset += taken.length;
      if (head.length < FRAME_HEADER_BYTES) return;
      if (head.toString("latin1", 0, 4) !== "AMQP") {
        const declared = head.readUInt32BE(0);
        if (declared > maxFrameBytes || declared < FRAME_HEADER_BYTES) {
          refused = true;
          return refuse(declared);
        }
        remaining = declared - FRAME_HEADER_BYTES;
      }
      head = Buffer.alloc(0);
    }
  };
}
