/** The bench's retained-heap measurement: how it reads the growth per attachment and judges it against the RSS target. */
import { type RetainedRun, retainedGrowth, retainedTargets } from "../../bench/retained";

const KIB = 1024;

function run(face: RetainedRun["face"], n: number, heapKiB: number, peakKiB: number): RetainedRun {
  return { face, n, op: "up", heapUsedBytes: heapKiB * KIB, peakRssBytes: peakKiB * KIB };
}

test("the growth per attachment runs from the smallest N to the largest, whatever the order measured", () => {
  const runs = [run("plugin", 200, 16_488, 125_084), run("plugin", 1, 14_596, 92_768)];
  expect(retainedGrowth(runs, "plugin", "up", (r) => r.heapUsedBytes)).toEqual({
    from: 1,
    to: 200,
    perAttachment: ((16_488 - 14_596) * KIB) / 199,
  });
  expect(retainedGrowth(runs, "dynamic", "up", (r) => r.heapUsedBytes)).toBeUndefined();
});

test("met when every face's retained heap grows under 20 KiB per attachment, though its peak RSS grows more", () => {
  const [line] = retainedTargets([run("plugin", 1, 14_596, 92_768), run("plugin", 200, 16_488, 125_084)]);
  expect(line).toMatch(
    /\*\*met\*\* \(resource plugin \(YAML\) 9\.5 KiB per attachment from N=1 to N=200 \(its peak RSS 162\.4 KiB/,
  );
  expect(line).toContain("garbage V8 had not collected");
});

test("missed when one face keeps 20 KiB or more per attachment, and then it does not call the growth garbage", () => {
  const [line] = retainedTargets([
    run("plugin", 1, 14_596, 92_768),
    run("plugin", 200, 16_488, 125_084),
    run("dynamic", 1, 44_000, 146_000),
    run("dynamic", 101, 44_000 + 100 * 20, 160_000),
  ]);
  expect(line).toContain("**missed**");
  expect(line).not.toContain("garbage");
});

test("no line without two sizes of a face", () => {
  expect(retainedTargets([run("plugin", 1, 14_596, 92_768)])).toEqual([]);
});
