/**
 * The entry point of `pulumi-resource-cinder`. The engine starts it with its own address as the
 * argument and reads the port it prints; the plugin exits once the engine is gone.
 */
import { exitWithParent } from "./lifetime";
import { preload, serve } from "./server";

exitWithParent();
serve().then(
  (port) => {
    // The engine reads the port from the first line of stdout.
    process.stdout.write(`${port}\n`);
    // After the port: what Configure needs loads while the engine connects.
    setImmediate(preload);
  },
  (err: unknown) => {
    process.stderr.write(`pulumi-resource-cinder: cannot serve: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
