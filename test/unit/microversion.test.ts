import {
  compareMicroversions,
  formatMicroversion,
  microversion,
  minMicroversion,
} from "../../provider/src/cinder/microversion";

describe("microversions", () => {
  test("parse major.minor and print back the same text", () => {
    expect(microversion("3.27")).toEqual({ major: 3, minor: 27 });
    expect(formatMicroversion(microversion(" 3.70 "))).toBe("3.70");
  });

  test.each(["3", "v3.27", "3.27.1", "", "latest"])("refuse %p with a message that shows the expected form", (text) => {
    expect(() => microversion(text)).toThrow(/expected <major>.<minor>/);
  });

  test("order numerically, not as text (3.9 < 3.44 < 3.54)", () => {
    expect(compareMicroversions(microversion("3.9"), microversion("3.44"))).toBeLessThan(0);
    expect(compareMicroversions(microversion("3.54"), microversion("3.44"))).toBeGreaterThan(0);
    expect(compareMicroversions(microversion("3.44"), microversion("3.44"))).toBe(0);
    expect(formatMicroversion(minMicroversion(microversion("3.70"), microversion("3.44")))).toBe("3.44");
  });
});
