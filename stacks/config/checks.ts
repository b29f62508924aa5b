import { REGIONS, type Region } from "../../infra/naming/regions.js";
import type { Report } from "./area.js";

// Checks more than one config area makes, worded the same wherever they apply.

type Path = Array<string | number>;

/** A number (when given) inside Azure's inclusive range for it. */
export function checkRange(
  report: Report,
  path: Path,
  value: number | undefined,
  min: number,
  max: number,
  what: string,
): void {
  if (value !== undefined && (value < min || value > max)) report(path, `got ${value}; ${what} is ${min}-${max}`);
}

/** A count or amount above zero; `expected` says what a good value is. */
export function checkPositive(report: Report, path: Path, value: number, expected = "a positive number"): void {
  if (value <= 0) report(path, `got ${value}; expected ${expected}`);
}

/** Zone redundancy only where the region has availability zones. */
export function checkZones(report: Report, path: Path, zoneRedundant: boolean, location: Region): void {
  if (zoneRedundant && !REGIONS[location].zones) {
    report(path, `region ${location} has no availability zones; choose another region or set zoneRedundant: false`);
  }
}
