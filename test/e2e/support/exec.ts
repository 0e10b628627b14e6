/** Running a command of a test to its end, its output as text. */
import { execFile } from "node:child_process";
import path from "node:path";

/** Runs `file` with `args` in `cwd`; resolves its stdout, or rejects with the command, its error and all it printed. */
export function runCommand(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${path.basename(file)} ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr}`))
        : resolve(stdout),
    ),
  );
}
