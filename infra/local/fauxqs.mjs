// Starts fauxqs (an SQS emulator speaking the current JSON protocol) on
// 127.0.0.1 only; its own CLI binds every interface. In-memory: queues are
// created from template.yaml by the dev stack at every start.
import { buildApp } from "fauxqs";

const port = Number(process.env.FAUXQS_PORT ?? "8001");
const region = process.env.AWS_REGION ?? "us-east-1";
const app = buildApp({ logger: false, defaultRegion: region });
await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on http://127.0.0.1:${port}`);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => { await app.close(); process.exit(0); });
}
