/** Smoke test of the e2e engine helper: a trivial dynamic resource goes up, previews clean, goes away. */
import { existsSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { changeCount, getEngine, stackStatePath, withStack } from "./support/engine";

/** Provider kept tiny and self-contained: it is serialized into the stack state. */
const echoProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { label: string }) {
    return { id: `echo-${inputs.label}`, outs: { label: inputs.label, length: inputs.label.length } };
  },
};

class Echo extends pulumi.dynamic.Resource {
  declare readonly label: pulumi.Output<string>;
  declare readonly length: pulumi.Output<number>;
  constructor(name: string, label: string) {
    super(echoProvider, name, { label, length: undefined }, undefined, "e2e", "Echo");
  }
}

const program = async (): Promise<Record<string, pulumi.Output<unknown>>> => {
  const label = new pulumi.Config().get("label") ?? "hello";
  const echo = new Echo("echo", label);
  return { id: echo.id, length: echo.length };
};

jest.setTimeout(300_000);

test("engine answers the pinned version", async () => {
  const engine = await getEngine();
  expect(engine.version).toBe("v3.248.0");
});

test("dynamic resource: up, preview without changes, refresh, destroy", async () => {
  let stackName = "";
  await withStack("smoke", program, async (s) => {
    stackName = s.name;
    expect(existsSync(stackStatePath("cinder-e2e", s.name))).toBe(true);

    const upResult = await s.up();
    expect(upResult.summary.result).toBe("succeeded");
    expect(upResult.summary.resourceChanges?.create).toBe(2); // the stack and the resource
    expect(upResult.outputs["id"]?.value).toBe("echo-hello");
    expect(upResult.outputs["length"]?.value).toBe(5);

    const pre = await s.preview();
    expect(changeCount(pre)).toBe(0);
    expect(pre.changeSummary.same).toBe(2);

    const ref = await s.refresh();
    expect(ref.summary.result).toBe("succeeded");

    const des = await s.destroy();
    expect(des.summary.resourceChanges?.delete).toBe(2);
  });
  expect(existsSync(stackStatePath("cinder-e2e", stackName))).toBe(false);
});

test("withStack destroys and removes the stack when the test body fails", async () => {
  let stackName = "";
  await expect(
    withStack(
      "smoke-fail",
      program,
      async (s) => {
        stackName = s.name;
        const res = await s.up();
        expect(res.outputs["id"]?.value).toBe("echo-bye");
        throw new Error("test body failed on purpose");
      },
      { config: { label: { value: "bye" } } },
    ),
  ).rejects.toThrow("test body failed on purpose");
  expect(stackName).not.toBe("");
  expect(existsSync(stackStatePath("cinder-e2e", stackName))).toBe(false);
});
