// Types for build/system-packages.mjs (a plain Node script: it runs before anything is built).
export type PackageSet = 'app' | 'test';
export type TrixiePart = 'compose' | 'buildx' | 'docker26';
export interface Places {
  buildx: string;
  docker26: string;
  pluginDirs: string[];
}
export interface Machine {
  platform: NodeJS.Platform;
  debian: boolean;
  root: boolean;
  installed(packages: string[]): Set<string>;
  exists(file: string): boolean;
  onPath(cmd: string): boolean;
  env: NodeJS.ProcessEnv;
}
export interface Gap {
  debian: string[];
  trixie: TrixiePart[];
}
export const DEBIAN_PACKAGES: Record<PackageSet, string[]>;
export const TRIXIE_PARTS: TrixiePart[];
export function trixiePart(part: TrixiePart, places?: Places): string;
export function defaultPlaces(env?: NodeJS.ProcessEnv, home?: string): Places;
export function probeMachine(env?: NodeJS.ProcessEnv): Machine;
export function missing(set: PackageSet, machine: Machine, places?: Places): Gap;
export function ensure(set: PackageSet, machine: Machine, opts?: { check?: boolean; log?: (line: string) => void; install?: (gap: Gap, places: Places) => void; places?: Places }): 0 | 1;
export function installMissing(gap: Gap, places: Places): void;
export function installTrixie(parts: TrixiePart[], places: Places): void;
