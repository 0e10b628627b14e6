/**
 * The TypeScript program the schema is read from: the sources that define the package's shapes,
 * type-checked as the repository's tsconfig.json checks them, optionally with some files' text
 * replaced (so that tests can show what a change to a shape does to the schema).
 */
import * as path from "node:path";
import ts from "typescript";

/** The source files whose types the schema is derived from, relative to the repository root. */
export const SOURCES = {
  shape: "provider/src/volumeAttachment/shape.ts",
  lookups: "provider/src/volumeAttachment/lookups.ts",
  connector: "provider/src/cinder/attachments/connector.ts",
  settings: "provider/src/config/sources.ts",
} as const;

/**
 * The source files of which only doc comments are read: parsed alone, without the checker (their
 * imports, @pulumi/pulumi's typings among them, would double the time the program takes).
 */
export const DOC_SOURCES = {
  operations: "provider/src/volumeAttachment/operations.ts",
  resource: "sdk/volumeAttachment.ts",
} as const;

/** A program over {@link SOURCES}, and the parsed {@link DOC_SOURCES}. */
export interface SchemaProgram {
  readonly checker: ts.TypeChecker;
  /** One of {@link SOURCES}, as the checker knows it. */
  source(file: keyof typeof SOURCES): ts.SourceFile;
  /** One of {@link DOC_SOURCES}, parsed (for its doc comments only). */
  parsed(file: keyof typeof DOC_SOURCES): ts.SourceFile;
}

/** Replacement texts for some files, keyed by their path relative to the repository root. */
export type Overrides = Readonly<Record<string, string>>;

/** The compiler options of the repository's tsconfig.json. */
function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, { noEmit: true }, configPath);
  // Only the types the sources import are needed; `types: [jest]` would load declarations for nothing.
  return { ...parsed.options, types: [] };
}

/**
 * Files parsed by an earlier program of this process, unchanged since (a second derivation, as the
 * tests make with overrides, then parses only the replaced files: zod's typings are most of the work).
 */
const parsedFiles = new Map<string, ts.SourceFile>();

/** Builds the program over {@link SOURCES} (and what they import) from the repository at `root`. */
export function schemaProgram(root: string, overrides: Overrides = {}): SchemaProgram {
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options, true);
  const replaced = new Map(Object.entries(overrides).map(([file, text]) => [path.resolve(root, file), text]));
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => replaced.get(path.resolve(file)) ?? readFile(file);
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    const text = replaced.get(path.resolve(file));
    if (text !== undefined) return ts.createSourceFile(file, text, languageVersion, true);
    const key = `${path.resolve(file)}\0${JSON.stringify(languageVersion)}`;
    let parsed = parsedFiles.get(key);
    if (!parsed) {
      parsed = getSourceFile(file, languageVersion, onError, shouldCreate);
      if (parsed) parsedFiles.set(key, parsed);
    }
    return parsed;
  };
  const roots = Object.values(SOURCES).map((file) => path.join(root, file));
  const program = ts.createProgram({ rootNames: roots, options, host });
  // The repository's type check covers the sources as they are; only replaced texts are checked here.
  const errors = [...replaced.keys()].flatMap((file) => {
    const sourceFile = program.getSourceFile(file);
    return sourceFile
      ? [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]
      : [];
  });
  if (errors.length > 0) {
    throw new Error(`the replaced sources do not compile:\n${ts.formatDiagnostics(errors, host)}`);
  }
  return {
    checker: program.getTypeChecker(),
    source(file) {
      const sourceFile = program.getSourceFile(path.join(root, SOURCES[file]));
      if (!sourceFile) throw new Error(`${SOURCES[file]} is not in the program`);
      return sourceFile;
    },
    parsed(file) {
      const fileName = path.join(root, DOC_SOURCES[file]);
      const text = host.readFile(fileName);
      if (text === undefined) throw new Error(`${DOC_SOURCES[file]} cannot be read`);
      return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
    },
  };
}
