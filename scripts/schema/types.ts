/**
 * From TypeScript types to schema types. The properties of an exported type (an interface, or a
 * type inferred from a zod schema with z.input/z.output) become schema properties: their types
 * mapped by {@link TypeMapper}, `required` when not optional, their doc comments as descriptions.
 */
import ts from "typescript";
import type { ObjectSpec, PropertySpec, TypeSpec } from "./spec";

/** `pulumi.json#/Any`: a value of any JSON type. */
export const ANY: TypeSpec = { $ref: "pulumi.json#/Any" };

/** A TypeScript type that the schema knows by name, and the schema token it is referred to by. */
export interface NamedType {
  readonly token: string;
  /** The TypeScript types that stand for it (e.g. a zod schema's input and output types). */
  readonly types: readonly ts.Type[];
}

/** The exported type alias or interface `name` of a source file, as the checker sees it. */
export function exportedType(checker: ts.TypeChecker, file: ts.SourceFile, name: string): ts.Type {
  const symbol = exportedSymbol(checker, file, name);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

/** The exported symbol `name` of a source file (aliases followed). */
export function exportedSymbol(checker: ts.TypeChecker, file: ts.SourceFile, name: string): ts.Symbol {
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`${file.fileName} is not a module`);
  const symbol = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
  if (!symbol) throw new Error(`${file.fileName} exports no ${name}`);
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** A symbol's doc comment as plain text (markdown kept, `{@link X}` as `X`); undefined when it has none. */
export function docComment(checker: ts.TypeChecker, symbol: ts.Symbol): string | undefined {
  return plainDoc(ts.displayPartsToString(symbol.getDocumentationComment(checker)));
}

/** The doc comment of one declaration (not of the symbol's other declarations, e.g. a merged interface). */
export function declarationDoc(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  return last ? plainDoc(ts.getTextOfJSDocComment(last.comment) ?? "") : undefined;
}

/** Doc comment text for the schema: `{@link X}` (TSDoc only) becomes `X` in code font. */
function plainDoc(text: string): string | undefined {
  const plain = text.replace(/\{@link\s+([^}|\s]+)(?:[\s|]+([^}]*))?\}/g, (_, target: string, label?: string) =>
    label ? label.trim() : `\`${target}\``,
  );
  return plain.trim() === "" ? undefined : plain.trim();
}

/** Maps TypeScript types to schema types; named types become references. */
export class TypeMapper {
  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly named: readonly NamedType[],
  ) {}

  /** The schema type of `type`; `where` names the property for errors. */
  typeOf(type: ts.Type, where: string): TypeSpec {
    const checker = this.checker;
    if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return ANY;
    const defined = checker.getNonNullableType(type);
    const ref = this.named.find((n) => n.types.some((t) => this.same(t, defined)));
    if (ref) return { $ref: `#/types/${ref.token}` };
    if (defined.flags & ts.TypeFlags.StringLike) return { type: "string" };
    if (defined.flags & ts.TypeFlags.BooleanLike) return { type: "boolean" };
    if (defined.flags & ts.TypeFlags.NumberLike) return { type: "number" };
    if (checker.isArrayType(defined)) {
      const [element] = checker.getTypeArguments(defined as ts.TypeReference);
      if (!element) throw new Error(`${where}: an array of what?`);
      return { type: "array", items: this.typeOf(element, `${where}[]`) };
    }
    const index = checker.getIndexInfoOfType(defined, ts.IndexKind.String);
    if (index && checker.getPropertiesOfType(defined).length === 0) {
      return { type: "object", additionalProperties: this.mapValueType(index.type, `${where}[key]`) };
    }
    throw new Error(`${where}: no schema type for ${checker.typeToString(type)}; name it (a NamedType) or map it here`);
  }

  /** A map's value type: a union of primitives (e.g. string | number | boolean) is Any. */
  private mapValueType(type: ts.Type, where: string): TypeSpec {
    if (type.isUnion() && !(type.flags & ts.TypeFlags.BooleanLike)) {
      const kinds = new Set(type.types.map((t) => JSON.stringify(this.typeOf(t, where))));
      if (kinds.size > 1) return ANY;
    }
    return this.typeOf(type, where);
  }

  /**
   * Two types are the same when they have the same property names and each is assignable to the
   * other (names first: a record type and an object whose properties are all optional are
   * assignable to each other).
   */
  private same(a: ts.Type, b: ts.Type): boolean {
    const names = (t: ts.Type) =>
      this.checker
        .getPropertiesOfType(t)
        .map((p) => p.name)
        .sort()
        .join();
    return names(a) === names(b) && this.checker.isTypeAssignableTo(a, b) && this.checker.isTypeAssignableTo(b, a);
  }

  /** The properties of an object type, with their descriptions, `required` for the non-optional ones. */
  objectOf(type: ts.Type, where: string, secret: ReadonlySet<string> = new Set()): ObjectSpec {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const symbol of this.checker.getPropertiesOfType(type)) {
      const name = symbol.name;
      const propertyType = this.checker.getTypeOfSymbol(symbol);
      const description = docComment(this.checker, symbol);
      properties[name] = {
        ...this.typeOf(propertyType, `${where}.${name}`),
        ...(description !== undefined && { description }),
        ...(secret.has(name) && { secret: true }),
      };
      if (!(symbol.flags & ts.SymbolFlags.Optional)) required.push(name);
    }
    for (const name of secret) {
      if (!(name in properties)) throw new Error(`${where}: the secret ${name} is not a property`);
    }
    return { properties, ...(required.length > 0 && { required: required.sort() }) };
  }
}
