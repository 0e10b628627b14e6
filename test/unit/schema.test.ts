/**
 * The package schema (provider/cmd/pulumi-resource-cinder/schema.json) is derived from the code:
 * the checked-in file is what the generator makes of the code as it is, and the derivation's rules
 * (descriptions from doc comments, secrets, defaults, requiredness, the settings table) hold.
 * Each derivation builds a TypeScript program over the shape's sources: about 2-4 s here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { connectorSchema } from "../../provider/src/cinder/attachments/connector";
import { S } from "../../provider/src/config/sources";
import { SCHEMA_PATH, TOKENS, generateSchema } from "../../scripts/schema/generate";
import { serializeSchema } from "../../scripts/schema/serialize";
import type { ObjectTypeSpec, PackageSpec, PropertySpec } from "../../scripts/schema/spec";

const root = path.resolve(__dirname, "..", "..");
const SHAPE = "provider/src/volumeAttachment/shape.ts";

let schema: PackageSpec;
beforeAll(() => {
  schema = generateSchema(root);
}, 30_000);

const resource = () => schema.resources[TOKENS.resource]!;
const objectType = (token: string) => schema.types[token] as ObjectTypeSpec;

describe("the checked-in schema.json", () => {
  it("is what `npm run schema` generates from the code as it is (else run npm run schema)", () => {
    const checkedIn = fs.readFileSync(path.join(root, SCHEMA_PATH), "utf8");
    expect(checkedIn).toBe(serializeSchema(schema));
  });
});

describe("the derivation", () => {
  it("takes each property's description from the doc comment on its zod key", () => {
    expect(resource().inputProperties["volumeId"]?.description).toMatch(/^The volume: its ID, or a name/);
    // The outputs' own doc comment wins over the input's for a key both have.
    expect(resource().properties["volumeId"]?.description).toBe(
      "The volume's ID (resolved when `volumeId` was a name).",
    );
    expect(objectType(TOKENS.connector).properties["initiator"]?.description).toMatch(/^iSCSI initiator name/);
  });

  it("marks credentials secret in the resource's outputs, the Attachment type and getAttachment's result, and nothing else", () => {
    const secrets = (properties: Readonly<Record<string, PropertySpec>>) =>
      Object.entries(properties)
        .filter(([, p]) => p.secret)
        .map(([name]) => name);
    expect(secrets(resource().properties)).toEqual(["credentials"]);
    expect(secrets(objectType(TOKENS.attachment).properties)).toEqual(["credentials"]);
    expect(secrets(schema.functions[TOKENS.getAttachment]!.outputs.properties)).toEqual(["credentials"]);
    expect(secrets(resource().inputProperties)).toEqual([]);
    expect(resource().properties["credentials"]).toMatchObject({
      type: "object",
      additionalProperties: { type: "string" },
    });
  });

  it("gives the connector the defaults its zod schema fills in", () => {
    const filled = connectorSchema().parse({});
    expect(filled).toEqual({ platform: "x86_64", osType: "linux2", multipath: false });
    const properties = objectType(TOKENS.connector).properties;
    for (const [name, value] of Object.entries(filled)) {
      expect(properties[name]?.default).toBe(value);
    }
    expect(Object.values(properties).filter((p) => p.default !== undefined)).toHaveLength(3);
  });

  it("requires what the types do not make optional", () => {
    expect(resource().requiredInputs).toEqual(["volumeId"]);
    expect(resource().required).toEqual(["attachmentId", "complete", "status", "volumeId"]);
    expect(schema.functions[TOKENS.getAttachment]!.inputs.required).toEqual(["attachmentId"]);
    expect(schema.functions[TOKENS.getAttachments]!.inputs.required).toBeUndefined();
  });

  it("refers to the named types: Connector, AttachMode, and Attachment for getAttachments' results", () => {
    expect(resource().inputProperties["connector"]).toMatchObject({ $ref: `#/types/${TOKENS.connector}` });
    expect(resource().properties["connector"]).toMatchObject({ $ref: `#/types/${TOKENS.connector}` });
    expect(resource().inputProperties["mode"]).toMatchObject({ $ref: `#/types/${TOKENS.attachMode}` });
    expect(schema.types[TOKENS.attachMode]).toMatchObject({ type: "string", enum: [{ value: "rw" }, { value: "ro" }] });
    expect(schema.functions[TOKENS.getAttachments]!.outputs.properties["attachments"]).toMatchObject({
      type: "array",
      items: { $ref: `#/types/${TOKENS.attachment}` },
    });
    expect(objectType(TOKENS.connector).properties["extra"]).toMatchObject({
      type: "object",
      additionalProperties: { $ref: "pulumi.json#/Any" },
    });
    expect(resource().properties["connectionInfo"]).toMatchObject({
      additionalProperties: { $ref: "pulumi.json#/Any" },
    });
  });

  it("makes every setting of the S table a config variable and a provider input, typed, secrets secret", () => {
    const names = Object.values(S).map((setting) => setting.config);
    expect(Object.keys(schema.config.variables).sort()).toEqual([...names].sort());
    expect(schema.provider.inputProperties).toEqual(schema.config.variables);
    const variables = schema.config.variables;
    expect(Object.keys(variables).filter((name) => variables[name]?.secret)).toEqual(
      expect.arrayContaining(["password", "applicationCredentialSecret", "token", "servicePassword"]),
    );
    expect(Object.values(variables).filter((v) => v.secret)).toHaveLength(4);
    expect(variables["insecure"]).toMatchObject({ type: "boolean" });
    expect(variables["requestTimeout"]).toMatchObject({ type: "number" });
    expect(variables["retryAttempts"]).toMatchObject({ type: "integer" });
    expect(variables["endpoint"]?.description).toMatch(/Block Storage v3 endpoint/);
  });

  it("takes the resource's and the functions' descriptions from their classes' doc comments", () => {
    expect(resource().description).toMatch(/^One Cinder volume attachment/);
    expect(schema.functions[TOKENS.getAttachment]!.description).toMatch(/one attachment by id/);
    expect(schema.functions[TOKENS.getAttachments]!.description).toMatch(/from every page of the list/);
  });

  it("takes the version, description and license from package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, unknown>;
    expect(schema).toMatchObject({
      name: "cinder",
      version: pkg.version,
      license: pkg.license,
      description: pkg.description,
    });
  });

  it("shows a property added to the shape, with its doc comment, in the inputs and the outputs", () => {
    const shape = fs.readFileSync(path.join(root, SHAPE), "utf8");
    const added = shape
      .replace(
        "    /** `rw` or `ro`",
        "    /** A new input. */\n    priority: z.number().optional(),\n    /** `rw` or `ro`",
      )
      .replace(
        "    /** The attachment's status:",
        "    /** Where Cinder placed it. */\n    backend: z.array(z.string()),\n    /** The attachment's status:",
      );
    expect(added).not.toBe(shape);
    const changed = generateSchema(root, { [SHAPE]: added }).resources[TOKENS.resource]!;
    expect(changed.inputProperties["priority"]).toEqual({ type: "number", description: "A new input." });
    expect(changed.properties["priority"]).toEqual({ type: "number", description: "A new input." });
    expect(changed.properties["backend"]).toEqual({
      type: "array",
      items: { type: "string" },
      description: "Where Cinder placed it.",
    });
    expect(changed.required).toContain("backend");
    expect(changed.requiredInputs).toEqual(["volumeId"]);
  }, 30_000);

  it("stops, naming the property, at a type the schema has no mapping for", () => {
    const shape = fs.readFileSync(path.join(root, SHAPE), "utf8");
    const dated = shape.replace(
      "    /** The attachment's status:",
      "    /** When. */\n    seenAt: z.date(),\n    /** The attachment's status:",
    );
    expect(() => generateSchema(root, { [SHAPE]: dated })).toThrow(
      /VolumeAttachmentOutputs\.seenAt: no schema type for Date/,
    );
  }, 30_000);
});

describe("serializeSchema", () => {
  it("sorts object keys at every depth, keeps array order, indents by 2 and ends with a newline", () => {
    expect(serializeSchema({ b: 1, a: { d: [3, 1], c: true } })).toBe(
      '{\n  "a": {\n    "c": true,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n',
    );
  });
});
