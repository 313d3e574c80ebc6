/**
 * A Trino (Athena engine v3) grammar check for tests.
 *
 * dt-sql-parser ships ESM with directory imports that Node cannot load from
 * CommonJS, so its Trino parser is bundled once with esbuild into a single
 * CommonJS file under node_modules/.cache/cases-data-streaming/, keyed by
 * dt-sql-parser's version, and loaded with require. Two test processes may
 * build at the same time: each writes its own temporary file and renames it
 * into place, so a reader never sees a half-written bundle.
 *
 * This checks syntax only: names, types and functions are not resolved, so
 * `SELECT no_such_fn(x) FROM nowhere` passes. It is the grammar of
 * dt-sql-parser's TrinoSql.g4, which tracks Trino, not Athena's own dialect
 * notes; DDL that Athena runs through Hive (CREATE EXTERNAL TABLE ...) is not
 * Trino syntax and fails here. The parse tree also finds divisions by decimal
 * literals, which Trino and DuckDB compute differently.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** A syntax error; lines and columns count from 1. */
export interface TrinoSyntaxError {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/** One statement of a SQL text, without its terminating semicolon. */
export interface TrinoStatement {
  text: string;
  /** Line (from 1) and column (from 1) of the statement's first character. */
  line: number;
  column: number;
  /** Offsets into the whole text: text === sql.slice(start, end). */
  start: number;
  end: number;
}

/** Where the bundle lives and what it cost this process to get it. */
export interface TrinoParserInfo {
  bundlePath: string;
  dtSqlParserVersion: string;
  /** True when this process ran esbuild (the bundle was missing or unreadable). */
  built: boolean;
  buildMs: number;
  loadMs: number;
}

/** Bump when the entry below changes, so old bundles are not reused. */
const BUNDLE_FORMAT = 2;

/** Resolved from dt-sql-parser's own directory, so antlr4ng need not be hoisted. */
const ENTRY = `
export { TrinoSQL } from "./dist/parser/trino/index.js";
export { ErrorStrategy } from "./dist/parser/common/errorStrategy.js";
export { TrinoSqlLexer } from "./dist/lib/trino/TrinoSqlLexer.js";
export * as TrinoSqlTree from "./dist/lib/trino/TrinoSqlParser.js";
export { CharStreams, PredictionMode } from "antlr4ng";
`;

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const CACHE_DIR = path.join(PROJECT_ROOT, "node_modules", ".cache", "cases-data-streaming");

interface ParseErrorLike {
  startLine: number;
  endLine: number;
  startColumn: number;
  endColumn: number;
  message: string;
}

interface TokenLike {
  type: number;
  channel: number;
  start: number;
  stop: number;
  line: number;
  column: number;
}

/** A node of the parse tree: a rule context (with children) or a token's leaf. */
interface TreeNode {
  children?: TreeNode[] | null;
  /** The node's first token. */
  start?: TokenLike | null;
  getText(): string;
}

/** A parse tree class, for instanceof: the bundle is minified, so class names are not kept. */
type TreeClass<Members = object> = abstract new (...args: never[]) => TreeNode & Members;

/** The labelled alternatives of TrinoSql.g4 that an arithmetic operand is made of. */
interface TrinoTree {
  ArithmeticBinaryContext: TreeClass<{ _operator?: TokenLike | null; valueExpression(): TreeNode[] }>;
  ArithmeticUnaryContext: TreeClass<{ valueExpression(): TreeNode }>;
  ValueExpressionDefaultContext: TreeClass<{ primaryExpression(): TreeNode }>;
  ParenthesizedExpressionContext: TreeClass<{ expression(): TreeNode }>;
  ExpressionContext: TreeClass<{ booleanExpression(): TreeNode }>;
  PredicatedContext: TreeClass<{ valueExpression(): TreeNode; predicate(): TreeNode | null }>;
  NumericLiteralContext: TreeClass<{ number(): TreeNode }>;
  DecimalLiteralContext: TreeClass;
  TypeConstructorContext: TreeClass<{ identifier(): TreeNode | null; string(): TreeNode }>;
}

interface ParserLike {
  interpreter: { predictionMode: number };
  errorHandler: unknown;
  program(): TreeNode;
}

interface TrinoBundle {
  TrinoSQL: new () => {
    createParser(sql: string, listener: (error: ParseErrorLike) => void): ParserLike;
  };
  ErrorStrategy: new () => unknown;
  TrinoSqlLexer: (new (input: unknown) => {
    removeErrorListeners(): void;
    getAllTokens(): TokenLike[];
  }) & { SEMICOLON: number; SLASH: number; BACKQUOTED_IDENTIFIER: number; DIGIT_IDENTIFIER: number };
  TrinoSqlTree: TrinoTree;
  CharStreams: { fromString(sql: string): unknown };
  PredictionMode: { SLL: number; LL: number };
}

let loaded: { bundle: TrinoBundle; info: TrinoParserInfo } | undefined;
let trinoInstance: InstanceType<TrinoBundle["TrinoSQL"]> | undefined;

function dtSqlParserDir(): string {
  return path.dirname(require.resolve("dt-sql-parser/package.json", { paths: [PROJECT_ROOT] }));
}

function buildBundle(outFile: string, packageDir: string): void {
  // Loaded lazily: only a process that has to build pays for esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    stdin: { contents: ENTRY, resolveDir: packageDir, sourcefile: "trino-entry.mjs", loader: "js" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const temp = `${outFile}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(temp, code);
  try {
    fs.renameSync(temp, outFile);
  } catch (error) {
    // Another process won the race (Windows refuses to replace a file in use).
    fs.rmSync(temp, { force: true });
    if (!fs.existsSync(outFile)) throw error;
  }
}

function requireBundle(file: string): TrinoBundle {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require(file) as TrinoBundle;
  if (typeof bundle.TrinoSQL !== "function" || typeof bundle.TrinoSqlLexer !== "function" || typeof bundle.TrinoSqlTree !== "object") {
    delete require.cache[require.resolve(file)];
    throw new Error(`${file} does not export the Trino parser`);
  }
  return bundle;
}

/** Builds the bundle if it is missing, loads it once per process, and says how. */
export function loadTrinoParser(): TrinoParserInfo {
  if (loaded) return loaded.info;
  const packageDir = dtSqlParserDir();
  const version = (JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string }).version;
  const bundlePath = path.join(CACHE_DIR, `dt-sql-parser-${version}-trino.v${BUNDLE_FORMAT}.cjs`);
  let built = false;
  let buildMs = 0;
  const build = () => {
    const started = Date.now();
    buildBundle(bundlePath, packageDir);
    built = true;
    buildMs = Date.now() - started;
  };
  if (!fs.existsSync(bundlePath)) build();
  let started = Date.now();
  let bundle: TrinoBundle;
  try {
    bundle = requireBundle(bundlePath);
  } catch {
    // A damaged cache file (for example, cut short by a full disk): build it again.
    build();
    started = Date.now();
    bundle = requireBundle(bundlePath);
  }
  const info = { bundlePath, dtSqlParserVersion: version, built, buildMs, loadMs: Date.now() - started };
  loaded = { bundle, info };
  return info;
}

function bundle(): TrinoBundle {
  loadTrinoParser();
  return loaded!.bundle;
}

function parse(sql: string, predictionMode: number): { errors: TrinoSyntaxError[]; tree: TreeNode } {
  const { TrinoSQL, ErrorStrategy } = bundle();
  trinoInstance ??= new TrinoSQL();
  const errors: TrinoSyntaxError[] = [];
  // createParser attaches the listener to both the lexer and the parser, replacing
  // the console listeners, and turns raw ANTLR messages into readable ones.
  const parser = trinoInstance.createParser(sql, (error) => {
    errors.push({
      line: error.startLine,
      column: error.startColumn,
      endLine: error.endLine,
      endColumn: error.endColumn,
      message: error.message,
    });
  });
  parser.interpreter.predictionMode = predictionMode;
  parser.errorHandler = new ErrorStrategy();
  const tree = parser.program();
  return { errors, tree };
}

/**
 * The lexer's tokens, with start and stop turned from code-point indices (what
 * ANTLR counts) into string indices, so that sql.slice(start, stop + 1) is the
 * token's text even after characters outside the Basic Multilingual Plane.
 */
function tokens(sql: string): TokenLike[] {
  const { TrinoSqlLexer, CharStreams } = bundle();
  const lexer = new TrinoSqlLexer(CharStreams.fromString(sql));
  lexer.removeErrorListeners();
  const all = lexer.getAllTokens();
  if (!/[\uD800-\uDFFF]/.test(sql)) return all;
  const indexOfCodePoint: number[] = [];
  for (let index = 0; index < sql.length; index += (sql.codePointAt(index) ?? 0) > 0xffff ? 2 : 1) {
    indexOfCodePoint.push(index);
  }
  indexOfCodePoint.push(sql.length);
  return all.map((token) => ({
    type: token.type,
    channel: token.channel,
    line: token.line,
    column: token.column,
    start: indexOfCodePoint[token.start],
    // stop is inclusive: end just before the next code point.
    stop: indexOfCodePoint[token.stop + 1] - 1,
  }));
}

/**
 * The grammar lexes `name` and 1abc as identifiers, but Trino's AST builder
 * rejects them ("backquoted identifiers are not supported; use double quotes to
 * quote identifiers"), so they are reported here as Trino would.
 */
function identifierErrors(sql: string): TrinoSyntaxError[] {
  const { TrinoSqlLexer } = bundle();
  const messages = new Map<number, string>([
    [TrinoSqlLexer.BACKQUOTED_IDENTIFIER, "backquoted identifiers are not supported; use double quotes to quote identifiers"],
    [TrinoSqlLexer.DIGIT_IDENTIFIER, "identifiers must not start with a digit; surround the identifier with double quotes"],
  ]);
  return tokens(sql)
    .filter((token) => messages.has(token.type))
    .map((token) => {
      const text = sql.slice(token.start, token.stop + 1);
      const lines = text.split("\n");
      return {
        line: token.line,
        column: token.column + 1,
        endLine: token.line + lines.length - 1,
        endColumn: lines.length > 1 ? lines[lines.length - 1].length + 1 : token.column + 1 + text.length,
        message: `${text} ${messages.get(token.type)}`,
      };
    });
}

/**
 * The parse tree of `sql` and its syntax errors. Parses with fast SLL
 * prediction first and, only when that finds an error, again with full LL
 * prediction, whose verdict is the grammar's.
 */
function parseProgram(sql: string): { errors: TrinoSyntaxError[]; tree: TreeNode } {
  const { PredictionMode } = bundle();
  const sll = parse(sql, PredictionMode.SLL);
  const { errors, tree } = sll.errors.length === 0 ? sll : parse(sql, PredictionMode.LL);
  const seen = new Set<string>();
  const unique = [...errors, ...identifierErrors(sql)]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .filter((error) => {
      const key = `${error.line}:${error.column}:${error.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  return { errors: unique, tree };
}

/** Syntax errors in `sql` (one or more statements), with positions; empty when it parses. */
export function trinoSyntaxErrorDetails(sql: string): TrinoSyntaxError[] {
  return parseProgram(sql).errors;
}

const errorLines = (errors: TrinoSyntaxError[]) => errors.map((error) => `${error.line}:${error.column} ${error.message}`);

/** Syntax errors as "line:column message" strings; empty when `sql` parses. */
export function trinoSyntaxErrors(sql: string): string[] {
  return errorLines(trinoSyntaxErrorDetails(sql));
}

const syntaxFailure = (label: string, errors: TrinoSyntaxError[]) =>
  new Error(`${label} is not valid Trino syntax:\n  ${errorLines(errors).join("\n  ")}`);

/** Throws an error listing every syntax error, naming `label` (a file name, say). */
export function assertTrinoSyntax(sql: string, label = "SQL"): void {
  const errors = trinoSyntaxErrorDetails(sql);
  if (errors.length > 0) throw syntaxFailure(label, errors);
}

/** A decimal literal in an operand of a division. */
export interface TrinoDecimalDivision {
  /** The literal as the grammar reads it (1000.0, .5, 1., DECIMAL '1000'). */
  literal: string;
  operand: "dividend" | "divisor";
  /** Line and column (from 1) of the literal. */
  line: number;
  column: number;
}

/**
 * Divisions with a decimal literal in an operand, which Trino and DuckDB compute
 * differently: Trino types 1000.0 as DECIMAL(5,1) and divides decimals into the
 * larger scale of the two, rounding half up (a bigint / 1000.0 keeps one digit:
 * 1450 / 1000.0 = 1.5), where DuckDB divides them as doubles (1.45). An operand
 * is followed through signs, parentheses and further arithmetic, so `x * 1.5 / y`
 * is found; not into function calls, casts or CASE, whose types a grammar cannot
 * tell. Throws, naming `label`, when `sql` does not parse.
 */
export function trinoDecimalDivisions(sql: string, label = "SQL"): TrinoDecimalDivision[] {
  const { TrinoSqlTree: tree, TrinoSqlLexer } = bundle();
  const { errors, tree: program } = parseProgram(sql);
  if (errors.length > 0) throw syntaxFailure(label, errors);
  const decimalLiterals = (operand: TreeNode): TreeNode[] => {
    if (operand instanceof tree.ArithmeticBinaryContext) return operand.valueExpression().flatMap(decimalLiterals);
    if (operand instanceof tree.ArithmeticUnaryContext) return decimalLiterals(operand.valueExpression());
    if (operand instanceof tree.ValueExpressionDefaultContext) return decimalLiterals(operand.primaryExpression());
    if (operand instanceof tree.ParenthesizedExpressionContext) return decimalLiterals(operand.expression());
    if (operand instanceof tree.ExpressionContext) return decimalLiterals(operand.booleanExpression());
    if (operand instanceof tree.PredicatedContext) return operand.predicate() ? [] : decimalLiterals(operand.valueExpression());
    if (operand instanceof tree.NumericLiteralContext) return operand.number() instanceof tree.DecimalLiteralContext ? [operand] : [];
    if (operand instanceof tree.TypeConstructorContext) return operand.identifier()?.getText().toLowerCase() === "decimal" ? [operand] : [];
    return [];
  };
  const found: TrinoDecimalDivision[] = [];
  const visit = (node: TreeNode) => {
    if (node instanceof tree.ArithmeticBinaryContext && node._operator?.type === TrinoSqlLexer.SLASH) {
      const [dividend, divisor] = node.valueExpression();
      for (const [operand, role] of [[dividend, "dividend"], [divisor, "divisor"]] as const) {
        for (const literal of decimalLiterals(operand)) {
          const text = literal instanceof tree.TypeConstructorContext ? `DECIMAL ${literal.string().getText()}` : literal.getText();
          found.push({ literal: text, operand: role, line: literal.start!.line, column: literal.start!.column + 1 });
        }
      }
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(program);
  return found;
}

/**
 * Splits a SQL text into statements at top-level semicolons, using the Trino
 * lexer so that semicolons inside strings, quoted identifiers and comments do
 * not split. Statements holding only comments are dropped. Each statement keeps
 * its position in the text, so errors in it can be mapped back.
 */
export function splitTrinoStatements(sql: string): TrinoStatement[] {
  const { TrinoSqlLexer } = bundle();
  const statements: TrinoStatement[] = [];
  let first: TokenLike | undefined;
  let last: TokenLike | undefined;
  const flush = () => {
    if (first && last) {
      const start = first.start;
      const end = last.stop + 1;
      statements.push({ text: sql.slice(start, end), line: first.line, column: first.column + 1, start, end });
    }
    first = last = undefined;
  };
  for (const token of tokens(sql)) {
    if (token.type === TrinoSqlLexer.SEMICOLON) {
      flush();
    } else if (token.channel === 0) {
      first ??= token;
      last = token;
    }
  }
  flush();
  return statements;
}
