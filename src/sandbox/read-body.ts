// A request body read whole, for the emulators' HTTP servers: past `maxBytes` the rest is drained
// and dropped (the handler then sees a truncated body and refuses it as it would any bad one).
import type { IncomingMessage } from "node:http";

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes) chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
