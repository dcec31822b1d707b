/**
 * The fixture zones and their variants: a variant replaces, removes or adds lines of the correct
 * example.com zone (lines carry a `; [tag]`), so each one breaks exactly one thing.
 */
import * as fs from "fs";
import * as path from "path";
import { fixtureZone } from "./knot";

export const TOKENS = [
  "lbddcgxnu60ck3hh42ppuorvlu42sphd",
  "lo8dwkwejrh70bu46fen2g8d9mkc392b",
  "eiubap4h7v38r1cj21lac90ph6o0tvry",
];

export const STACK_OUTPUTS_FILE = path.join(__dirname, "..", "fixtures", "stack-outputs.json");
export const STACK_OUTPUTS = JSON.parse(fs.readFileSync(STACK_OUTPUTS_FILE, "utf8")) as Record<
  string,
  unknown
>;

export type Zones = Record<string, string>;

/** example.com as published, with what its records point at. */
export function correctZones(): Zones {
  return {
    "example.com": fixtureZone("example.com"),
    "amazonses.com": fixtureZone("amazonses.com"),
    "example.net": fixtureZone("example.net"),
  };
}

function lineIndex(lines: string[], tag: string): number {
  const i = lines.findIndex((l) => l.endsWith(`; [${tag}]`));
  if (i < 0) throw new Error(`no line tagged [${tag}]`);
  return i;
}

/** `zone` with the line tagged `tag` replaced by `replacement` (lines), or removed when empty. */
export function replaceLine(zone: string, tag: string, ...replacement: string[]): string {
  const lines = zone.split("\n");
  lines.splice(lineIndex(lines, tag), 1, ...replacement);
  return lines.join("\n");
}

/** `zone` with more lines at the end. */
export function addLines(zone: string, ...lines: string[]): string {
  return `${zone.trimEnd()}\n${lines.join("\n")}\n`;
}

/** The record of a commented-out tagged line (`; <record> ; [tag]`), without the comment marks. */
export function commentedRecord(zone: string, tag: string): string {
  const lines = zone.split("\n");
  return lines[lineIndex(lines, tag)].replace(/^; /, "").replace(/ ; \[[^\]]+\]$/, "");
}

/** The correct zones with example.com edited. */
export function withExample(edit: (zone: string) => string): Zones {
  const zones = correctZones();
  return { ...zones, "example.com": edit(zones["example.com"]) };
}
