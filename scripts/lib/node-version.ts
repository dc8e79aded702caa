import { readFileSync } from "node:fs";

/** The lowest Node.js version package.json's `engines` allows, as [major, minor]. */
export function requiredNode(): [number, number] {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    engines: { node: string };
  };
  const match = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node.trim());
  if (!match) throw new Error(`package.json engines.node must read ">=MAJOR.MINOR", not ${pkg.engines.node}`);
  return [Number(match[1]), Number(match[2])];
}

/** A message saying which Node.js is needed, or null when `version` is new enough. */
export function nodeVersionProblem(version: string = process.versions.node): string | null {
  const [major, minor] = requiredNode();
  const [have = 0, haveMinor = 0] = version.split(".").map(Number);
  if (have > major || (have === major && haveMinor >= minor)) return null;
  return (
    `This product needs Node.js ${major}.${minor} or newer; this is Node.js ${version}. ` +
    `Install a newer one (Debian/Ubuntu: NodeSource's packages; macOS: brew install node@${major}) and run it again.`
  );
}
