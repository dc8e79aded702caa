/**
 * `npm run bench`: runs the benchmarks, prints their tables and writes them into
 * docs/benchmarks.md between generated-section markers (the prose around them stays).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { format } from "prettier";
import { benchFeedMemory } from "./feed-memory";
import { benchIngest } from "./ingest";

const DOC = "docs/benchmarks.md";

function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, from)}${block}${doc.slice(to + end.length)}`;
}

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}.`;
  process.stdout.write("Ingest benchmark…\n");
  const ingest = await benchIngest();
  process.stdout.write(`\n${ingest}\n`);
  process.stdout.write("Feed memory benchmark…\n");
  const memory = await benchFeedMemory();
  process.stdout.write(`\n${memory}\n`);
  let doc = readFileSync(DOC, "utf8");
  doc = replaceSection(doc, "ingest", `${stamp}\n\n${ingest}`);
  doc = replaceSection(doc, "feed-memory", `${stamp}\n\n${memory}`);
  // Formatted as the repository keeps it, so `npm run format:check` stays green after a run.
  writeFileSync(DOC, await format(doc, { parser: "markdown", printWidth: 120 }));
  process.stdout.write(`Written to ${DOC}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
