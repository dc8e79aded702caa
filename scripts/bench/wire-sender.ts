/**
 * The wire limit: a minimal sender that posts pre-built, pre-compressed batches over one
 * kept-alive HTTPS connection, one after another, as fast as the receiver takes them.
 * Run as its own process (like the worker): node --import tsx scripts/bench/wire-sender.ts <url> <token> <file> <rounds>
 * where <file> holds the gzip bodies, each preceded by its length (4 bytes, big-endian).
 */
import { readFileSync } from "node:fs";
import https from "node:https";

const [url, token, file, roundsText] = process.argv.slice(2) as [string, string, string, string];
const data = readFileSync(file);
const bodies: Buffer[] = [];
for (let offset = 0; offset < data.length;) {
  const size = data.readUInt32BE(offset);
  bodies.push(data.subarray(offset + 4, offset + 4 + size));
  offset += 4 + size;
}
const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
process.stdout.write("ready\n");

function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${url}/services/collector/event`,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Splunk ${token}`,
          "content-encoding": "gzip",
          "content-length": String(body.length),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

for (let round = 0; round < Number(roundsText); round++) {
  for (const body of bodies) {
    const status = await post(body);
    if (status !== 200) throw new Error(`receiver answered ${status}`);
  }
}
agent.destroy();
