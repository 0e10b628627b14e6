/** Reading the commands the docs give, so that a test runs what a user reads. */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { repoRoot } from "./engine";

/** The first fenced code block after `marker` in `markdown` (its body, without the fences). */
export function fencedBlockAfter(markdown: string, marker: string): string {
  const at = markdown.indexOf(marker);
  if (at < 0) throw new Error(`marker ${JSON.stringify(marker)} not found`);
  const block = /```[\w-]*\n([\s\S]*?)```/.exec(markdown.slice(at + marker.length));
  if (!block) throw new Error(`no fenced block after ${JSON.stringify(marker)}`);
  return block[1] as string;
}

/** docs/<name> as text. */
export async function readDoc(name: string): Promise<string> {
  return fs.readFile(path.join(repoRoot, "docs", name), "utf8");
}
