/**
 * The processes one `pulumi` run started, found in /proc (Linux) by an environment marker: the CLI
 * is started with `<MARK_ENV>=<unique value>`, and every process it starts (plugins, the program,
 * the node processes of launchers) inherits it, so /proc/<pid>/environ names the run that started
 * it even after it was orphaned and re-parented.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";

/** The environment variable that marks the processes of one run. */
export const MARK_ENV = "CINDER_E2E_RUN_MARK";

/** A fresh marker value: `{ [MARK_ENV]: value }` goes into the CLI's environment. */
export function newRunMark(): string {
  return randomUUID();
}

/** What a process of a run is, by its command line. */
export type ProcessRole = "pulumi CLI" | "language host" | "dynamic provider" | "policy analyzer" | "program" | "other";

/** One live process of a run. */
export interface RunProcess {
  pid: number;
  role: ProcessRole;
  /** Its command line, arguments joined by spaces. */
  cmdline: string;
}

/** The role of a process with this argument vector. */
export function roleOf(argv: readonly string[]): ProcessRole {
  const words = argv.join(" ");
  if (/(^|\/)pulumi-language-nodejs$/.test(argv[0] ?? "")) return "language host";
  if (/(^|\/)pulumi$/.test(argv[0] ?? "")) return "pulumi CLI";
  if (words.includes("/cmd/dynamic-provider")) return "dynamic provider";
  if (words.includes("/cmd/run-policy-pack")) return "policy analyzer";
  if (/\/cmd\/run(\/index\.js)?( |$)/.test(words)) return "program";
  return "other";
}

function readProc(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** Whether /proc/<pid>/stat says zombie (exited, not yet reaped): dead, whatever its entry says. */
function isZombie(pid: string): boolean {
  const stat = readProc(pid, "stat") ?? "";
  // "<pid> (<comm>) <state> ...": comm may contain spaces and parentheses; the state follows the last ")".
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
}

/** The live (not zombie) processes whose environment holds `<MARK_ENV>=<mark>`, this process excluded. */
export function processesOfRun(mark: string): RunProcess[] {
  const wanted = `${MARK_ENV}=${mark}`;
  const found: RunProcess[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    if (Number(pid) === process.pid) continue;
    const environ = readProc(pid, "environ");
    if (environ === undefined || !environ.split("\0").includes(wanted) || isZombie(pid)) continue;
    const argv = (readProc(pid, "cmdline") ?? "").split("\0").filter((arg) => arg !== "");
    found.push({ pid: Number(pid), role: roleOf(argv), cmdline: argv.join(" ") });
  }
  return found;
}

/**
 * Polls until no process of the run is left or `withinMs` passed; returns those still alive then
 * (empty when all exited in time).
 */
export async function processesLeftAfter(mark: string, withinMs: number): Promise<RunProcess[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = processesOfRun(mark);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILLs every process of the run still alive (cleanup after a failed assertion). */
export function killProcessesOfRun(mark: string): void {
  for (const { pid } of processesOfRun(mark)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
