/** The part of jStat (no published types) the report uses. */
declare module 'jstat' {
  interface Distribution {
    inv(p: number, df: number): number;
    cdf(x: number, df: number): number;
  }
  export const jStat: { studentt: Distribution };
}
