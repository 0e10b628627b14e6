/** The bench's Terraform peer and the engine floor beside it: the configuration it writes, how it names the requests it counts, how it reads a Go init trace, how it judges our request counts against the peer's. */
import { tofuConfiguration } from "../../bench/tofu";
import { goInitMs } from "../../bench/engineFloor";
import { peerRatio, peerSection, peerTargets } from "../../bench/peerReport";
import { type CommandName, type Side, type VersusRun, requestKind } from "../../bench/versus";

const VOLUMES = ["11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-000000000000"];

test("the peer's configuration attaches each volume once, with a connector and a mountpoint, through the given endpoint", () => {
  const hcl = tofuConfiguration(VOLUMES, "http://127.0.0.1:41234/v3");
  expect(hcl).toContain('source = "terraform-provider-openstack/openstack"');
  // gophercloud appends paths to an overridden endpoint as it is: it must end with a slash.
  expect(hcl).toContain('volumev3 = "http://127.0.0.1:41234/v3/"');
  expect(hcl).toContain(`volumes = ${JSON.stringify(VOLUMES)}`);
  expect(hcl).toContain("count      = length(local.volumes)");
  expect(hcl).toContain('host_name  = "bench-host-${count.index}"');
  expect(hcl).toContain('device     = "/dev/vdb"');
});

test("a volume action is counted under its action's name, IDs and queries folded", () => {
  const action = {
    method: "POST",
    path: `/v3/volumes/${VOLUMES[0]}/action`,
    requestBody: JSON.stringify({ "os-attach": { host_name: "bench-host-0", mountpoint: "/dev/vdb" } }),
  };
  expect(requestKind(action)).toBe("POST /v3/volumes/{id}/action os-attach");
  expect(requestKind({ method: "GET", path: `/v3/attachments/${VOLUMES[1]}?x=1`, requestBody: "" })).toBe(
    "GET /v3/attachments/{id}",
  );
  expect(requestKind({ ...action, requestBody: "not json" })).toBe("POST /v3/volumes/{id}/action");
});

test("the engine floor sums the clock time of every package's init in a Go init trace", () => {
  const trace = [
    "init internal/bytealg @0.004 ms, 0.002 ms clock, 0 bytes, 0 allocs",
    "init github.com/nbutton23/zxcvbn-go/frequency @61 ms, 42.5 ms clock, 9651856 bytes, 60104 allocs",
    "v3.248.0",
  ].join("\n");
  expect(goInitMs(trace)).toBeCloseTo(42.502, 3);
});

/** One command of one side, measured: `wallMs` and `cinderRequests` as given, nothing else. */
function measured(
  side: Side,
  command: CommandName,
  n: number,
  { wallMs = 1000, cinderRequests = 0 }: { wallMs?: number; cinderRequests?: number },
): VersusRun {
  return {
    side,
    command,
    n,
    wallMs,
    cinderRequests,
    cinderByKind: {},
    serverErrors: 0,
    keystoneRequests: 0,
    tokenRequests: 0,
  };
}

describe("the verdict on fewer requests than the peer", () => {
  const run = (side: Side, command: CommandName, n: number, cinderRequests: number) =>
    measured(side, command, n, { cinderRequests });
  const verdict = (runs: VersusRun[]) => peerTargets(runs).find((line) => line.includes("Fewer Cinder requests"));

  test("a refresh of N in N reads on both sides is level at the fewest, not a miss", () => {
    const runs = (["plugin", "dynamic", "peer"] as const).flatMap((side) => [
      run(side, "refresh", 10, 10),
      run(side, "up", 10, side === "peer" ? 50 : 21),
    ]);
    expect(verdict(runs)).toMatch(
      /^- Fewer .*: \*\*met\*\* \(level where both send the fewest .*plugin refresh N=10: 10 against 10/,
    );
  });

  test("one request more than N reads, or level anywhere but a refresh at N, is missed", () => {
    const runs = [
      run("plugin", "refresh", 10, 11),
      run("dynamic", "refresh", 10, 10),
      run("peer", "refresh", 10, 10),
      run("plugin", "preview", 1, 1),
      run("peer", "preview", 1, 1),
    ];
    expect(verdict(runs)).toMatch(
      /\*\*missed\*\* where ours are not fewer \(plugin preview N=1: 1 against 1; plugin refresh N=10: 11 against 10\)/,
    );
  });
});

describe("the verdict on wall time against the peer, with each face's floor", () => {
  const run = (side: Side, command: CommandName, n: number, wallMs: number) => measured(side, command, n, { wallMs });
  const pluginLine = (runs: VersusRun[]) => peerTargets(runs).find((line) => line.includes("resource plugin"));

  test("a ratio over its ceiling that is within it without the face's floor is the engine's miss", () => {
    const runs = [run("plugin", "up", 1, 2000), run("peer", "up", 1, 1000), run("floor-plugin", "up", 1, 800)];
    expect(peerRatio(runs, "plugin", "up", 1)).toEqual({ ratio: 2, withoutFloor: 1.2 });
    expect(pluginLine(runs)).toMatch(
      /up N=1 2\.00x \(at most 1\.50x, MISSED; without Pulumi's own part 1\.20x: the engine's\)/,
    );
    expect(pluginLine(runs)).toMatch(
      /\*\*missed\*\* 1 of 1, each within its ceiling without Pulumi's own part .*: the engine's\.$/,
    );
  });

  test("a ratio over its ceiling even without the floor is ours", () => {
    const runs = [run("plugin", "up", 1, 2000), run("peer", "up", 1, 1000), run("floor-plugin", "up", 1, 200)];
    expect(pluginLine(runs)).toMatch(/without Pulumi's own part 1\.80x: ours\)/);
    expect(pluginLine(runs)).toMatch(
      /\*\*missed\*\* 1 of 1; without .* 0 within the ceiling \(the engine's\), 1 not \(ours\)\.$/,
    );
  });

  test("the section shows each ratio with its target, and the floor's table the ratio without the floor", () => {
    const runs = [run("plugin", "up", 1, 2000), run("peer", "up", 1, 1000), run("floor-plugin", "up", 1, 800)];
    const section = peerSection(runs, {});
    expect(section).toContain(
      "| apply / up | 1 | 1.00 s | 0; 0 (0) | 2.00 s | 0; 0 (0) | 2.00x (≤ 1.50x) | – | – | – |",
    );
    expect(section).toContain("| apply / up | 1 | 0.80 s | 1.20 s | 1.20x (≤ 1.50x) | – | – | – |");
  });

  test("without a floor measured, a miss is only a miss", () => {
    const runs = [run("plugin", "up", 1, 2000), run("peer", "up", 1, 1000)];
    expect(peerRatio(runs, "plugin", "up", 1)).toEqual({ ratio: 2 });
    expect(pluginLine(runs)).toMatch(/up N=1 2\.00x \(at most 1\.50x, MISSED\): \*\*missed\*\* 1 of 1\.$/);
  });
});
