// Preloaded (`node --require <this file>`) into the node processes of our plugins: the dynamic
// provider and policy launchers, and the programs and policy packs the language host starts. It
// makes such a process exit by itself, within a second, once the process that started it (the
// Pulumi engine, or the language host) is gone, as after a SIGKILL of the engine, which sends no
// signal to its plugins. See docs/engine.md, "When the engine is gone".
//
// PULUMI_CINDER_PARENT_PID names that parent; it is removed from the environment, so processes
// started from here do not inherit it. Without it the watchdog does nothing. Once the parent is
// gone, the process is killed with its process group when it leads one (the engine and the host
// start each plugin and program in a group of its own), so whatever it started goes too. The timer
// is unref'd: it never keeps a finished program alive. No dependencies; negligible start-up cost.
"use strict";

const PARENT_ENV = "PULUMI_CINDER_PARENT_PID";
const POLL_MS = 500;

const parent = Number(process.env[PARENT_ENV]);
delete process.env[PARENT_ENV];

function exitWithGroup() {
  try {
    // A negative pid is the process group of that id: ours, if this process leads one.
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // Not a group leader (ESRCH): only this process.
  }
  process.kill(process.pid, "SIGKILL");
}

if (Number.isInteger(parent) && parent > 1) {
  const check = () => {
    // process.ppid asks the kernel each time; an orphan is re-parented to init or a subreaper.
    if (process.ppid !== parent) exitWithGroup();
  };
  check();
  setInterval(check, POLL_MS).unref();
}
