/**
 * Errors handed to `@pulumi/pulumi`'s dynamic-provider host. For check, diff, read and delete the
 * host prints `${err}: ${err.stack}` to the provider's stderr before it returns the error, and the
 * engine shows both: the message a second time, the class name twice and a stack trace. An error
 * of this package already says what happened and what to do, so that one line is left out (the
 * engine still shows the error itself); any other error is printed as the host prints it.
 * Runs in the provider process only (loaded through the runtime entry point).
 */
import { ProviderError } from "../errors";

/** The host's lines for errors of ours that were handed over and not printed yet. */
const pending = new Set<string>();
let installed = false;

/** Returns `err` for the host to report, leaving out the host's stderr copy of it when it is ours. */
export function handOver(err: unknown): unknown {
  if (ProviderError.isInstance(err)) {
    installFilter();
    pending.add(`${String(err)}: ${err.stack ?? ""}`);
  }
  return err;
}

function installFilter(): void {
  if (installed) return;
  installed = true;
  const print = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && pending.delete(args[0])) return;
    print(...args);
  };
}
