/**
 * The plugin exits by itself once the engine that started it is gone (a SIGKILL of `pulumi` sends
 * no signal to its plugins), as Pulumi's own plugins do: the engine is the parent process.
 */

const POLL_MS = 500;

/** Exits the process, within {@link POLL_MS}, once its parent process is gone. Never keeps it alive. */
export function exitWithParent(): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  setInterval(() => {
    // process.ppid asks the kernel each time; an orphan is re-parented to init or a subreaper.
    if (process.ppid !== parent) process.exit(1);
  }, POLL_MS).unref();
}
