/**
 * A timestamptz column rendered in SQL as RealWorld-style ISO 8601: UTC, milliseconds, `Z`
 * (`2026-11-25T16:40:00.123Z`), so JSON built by PostgreSQL needs no re-formatting in Node.
 */
export function isoTimestamp(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
