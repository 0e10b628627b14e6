/**
 * The package schema of the `cinder` resource plugin, derived from the code: the resource's inputs
 * and outputs from the types inferred from its zod schemas (shape.ts), the connector's from its own
 * schema, the functions' from lookups.ts, the provider's configuration from the settings table
 * (config/sources.ts); every description is the doc comment of what it describes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { z } from "zod";
import { connectorSchema } from "../../provider/src/cinder/attachments/connector";
import { S } from "../../provider/src/config/sources";
import { SECRET_OUTPUTS } from "../../provider/src/volumeAttachment/outputKeys";
import { type Overrides, type SchemaProgram, schemaProgram } from "./program";
import type { EnumTypeSpec, ObjectSpec, PackageSpec, PropertySpec } from "./spec";
import { TypeMapper, declarationDoc, docComment, exportedSymbol, exportedType } from "./types";

/** Where the schema is checked in, relative to the repository root. */
export const SCHEMA_PATH = "provider/cmd/pulumi-resource-cinder/schema.json";

/** The schema's tokens. */
export const TOKENS = {
  resource: "cinder:index:VolumeAttachment",
  connector: "cinder:index:Connector",
  attachMode: "cinder:index:AttachMode",
  attachment: "cinder:index:Attachment",
  getAttachment: "cinder:index:getAttachment",
  getAttachments: "cinder:index:getAttachments",
} as const;

/** What the generator reads from package.json. */
interface PackageJson {
  readonly version: string;
  readonly description: string;
  readonly license: string;
  readonly keywords: readonly string[];
  readonly peerDependencies: Readonly<Record<string, string>>;
}

function readPackageJson(root: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as PackageJson;
}

/** The connector's defaults (`platform: "x86_64"`, ...), as its zod schema declares them. */
function connectorDefaults(): Readonly<Record<string, PropertySpec["default"]>> {
  const json = z.toJSONSchema(connectorSchema(), { io: "input", unrepresentable: "any" });
  const defaults: Record<string, PropertySpec["default"]> = {};
  for (const [name, property] of Object.entries(json.properties ?? {})) {
    const value = typeof property === "object" ? property.default : undefined;
    if (value === undefined) continue;
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new Error(`connector.${name}: a default schema.json cannot hold (${JSON.stringify(value)})`);
    }
    defaults[name] = value;
  }
  return defaults;
}

/** `spec` with each property's default from `defaults` (every default must name a property). */
function withDefaults(spec: ObjectSpec, defaults: Readonly<Record<string, PropertySpec["default"]>>): ObjectSpec {
  const properties = { ...spec.properties };
  for (const [name, value] of Object.entries(defaults)) {
    const property = properties[name];
    if (!property) throw new Error(`the default of ${name} is for no property of the type`);
    properties[name] = { ...property, default: value };
  }
  return { ...spec, properties };
}

/** The enum `token` of a union of string literals. */
function enumOf(checker: ts.TypeChecker, type: ts.Type, description: string | undefined): EnumTypeSpec {
  const members = type.isUnion() ? type.types : [type];
  const values = members.map((member) => {
    if (!member.isStringLiteral()) throw new Error(`${checker.typeToString(type)} is not a union of strings`);
    return { value: member.value };
  });
  return { type: "string", ...(description !== undefined && { description }), enum: values };
}

/** The provider's settings as schema properties: the `S` table's keys, doc comments, types and secrets. */
function settingsProperties(program: SchemaProgram): Record<string, PropertySpec> {
  const { checker } = program;
  const table = checker.getTypeOfSymbol(exportedSymbol(checker, program.source("settings"), "S"));
  const properties: Record<string, PropertySpec> = {};
  for (const [key, setting] of Object.entries<(typeof S)[keyof typeof S]>(S)) {
    const symbol = checker.getPropertyOfType(table, key);
    const description = symbol && docComment(checker, symbol);
    if (description === undefined) throw new Error(`the setting S.${key} (config/sources.ts) has no doc comment`);
    properties[setting.config] = {
      type: "type" in setting ? setting.type : "string",
      description,
      ...("secret" in setting && { secret: true }),
    };
  }
  return properties;
}

/** The class `name` declared in a parsed file. */
function classIn(file: ts.SourceFile, name: string): ts.ClassDeclaration {
  const declaration = file.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name,
  );
  if (!declaration) throw new Error(`${file.fileName} declares no class ${name}`);
  return declaration;
}

/** The doc comment of a method of a class (`operations.ts`'s AttachmentOperations). */
function methodDoc(program: SchemaProgram, className: string, method: string): string {
  const member = classIn(program.parsed("operations"), className).members.find(
    (m) => ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === method,
  );
  const doc = member && declarationDoc(member);
  if (doc === undefined) throw new Error(`${className}.${method} has no doc comment`);
  return doc;
}

/** The doc comment of the class `VolumeAttachment` itself (not of the interface merged with it). */
function resourceDoc(program: SchemaProgram): string {
  const doc = declarationDoc(classIn(program.parsed("resource"), "VolumeAttachment"));
  if (doc === undefined) throw new Error("class VolumeAttachment (sdk/volumeAttachment.ts) has no doc comment");
  return doc;
}

/** Derives the package schema from the repository at `root` (with `overrides` replacing files' texts). */
export function generateSchema(root: string, overrides: Overrides = {}): PackageSpec {
  const program = schemaProgram(root, overrides);
  const { checker } = program;
  const type = (file: Parameters<SchemaProgram["source"]>[0], name: string) =>
    exportedType(checker, program.source(file), name);

  const connectorInput = type("connector", "ConnectorInput");
  const attachMode = type("shape", "AttachMode");
  const outputs = type("shape", "VolumeAttachmentOutputs");
  const mapper = new TypeMapper(checker, [
    { token: TOKENS.connector, types: [connectorInput, type("connector", "CheckedConnector")] },
    { token: TOKENS.attachMode, types: [attachMode] },
    { token: TOKENS.attachment, types: [outputs] },
  ]);
  const secret = new Set<string>(SECRET_OUTPUTS);
  const inputs = mapper.objectOf(type("shape", "VolumeAttachmentArgsShape"), "VolumeAttachmentArgsShape");
  const state = mapper.objectOf(outputs, "VolumeAttachmentOutputs", secret);
  const doc = (file: Parameters<SchemaProgram["source"]>[0], name: string) =>
    docComment(checker, exportedSymbol(checker, program.source(file), name));
  const connector = withDefaults(mapper.objectOf(connectorInput, "ConnectorInput"), connectorDefaults());
  const settings = settingsProperties(program);
  const pkg = readPackageJson(root);

  return {
    name: "cinder",
    displayName: "OpenStack Cinder attachments",
    description: pkg.description,
    version: pkg.version,
    license: pkg.license,
    keywords: [...pkg.keywords.filter((k) => k !== "dynamic-provider"), "category/infrastructure", "kind/native"],
    config: { variables: settings },
    provider: {
      description: "The provider that sends attachments to one Cinder: its settings, as in stack config `cinder:*`.",
      inputProperties: settings,
    },
    types: {
      [TOKENS.connector]: { type: "object", description: doc("connector", "ConnectorInput"), ...connector },
      [TOKENS.attachMode]: enumOf(checker, attachMode, doc("shape", "AttachMode")),
      [TOKENS.attachment]: {
        type: "object",
        description: doc("shape", "VolumeAttachmentOutputs"),
        ...state,
      },
    },
    resources: {
      [TOKENS.resource]: {
        description: resourceDoc(program),
        properties: state.properties,
        ...(state.required && { required: state.required }),
        inputProperties: inputs.properties,
        ...(inputs.required && { requiredInputs: inputs.required }),
      },
    },
    functions: {
      [TOKENS.getAttachment]: {
        description: methodDoc(program, "AttachmentOperations", "getAttachment"),
        inputs: mapper.objectOf(type("lookups", "GetAttachmentArgs"), "GetAttachmentArgs"),
        outputs: mapper.objectOf(type("lookups", "GetAttachmentResult"), "GetAttachmentResult", secret),
      },
      [TOKENS.getAttachments]: {
        description: methodDoc(program, "AttachmentOperations", "getAttachments"),
        inputs: mapper.objectOf(type("lookups", "GetAttachmentsArgs"), "GetAttachmentsArgs"),
        outputs: mapper.objectOf(type("lookups", "GetAttachmentsResult"), "GetAttachmentsResult"),
      },
    },
    // Every SDK carries the schema's version (the plugin version its resources ask for), instead of a
    // placeholder, and the python one its pulumi-plugin.json.
    meta: { supportPack: true },
    language: {
      nodejs: {
        packageName: "pulumi-cinder",
        dependencies: { "@pulumi/pulumi": pkg.peerDependencies["@pulumi/pulumi"] },
      },
      python: { packageName: "pulumi_cinder", pyproject: { enabled: true } },
      go: { importBasePath: "github.com/pulumi-cinder-attachment/pulumi-cinder/sdks/go/cinder" },
    },
  };
}
