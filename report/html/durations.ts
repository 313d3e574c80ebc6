export interface DurationUnit {
  /** As the axis title says it: "hours". */
  name: string;
  seconds: number;
}

const UNITS: DurationUnit[] = [
  { name: "minutes", seconds: 60 },
  { name: "hours", seconds: 3_600 },
  { name: "days", seconds: 86_400 },
];

/**
 * The unit of a duration axis: the largest that its longest bar holds at least twice (2 h rather
 * than 0.1 d, 3 d rather than 72 h), so the tick values stay small whole numbers.
 */
export function durationUnit(maxSeconds: number): DurationUnit {
  return [...UNITS].reverse().find((unit) => maxSeconds >= 2 * unit.seconds) ?? UNITS[0];
}
