/** Step schedule: the base rate times gamma for every milestone already passed. */
export function learningRateAt(
  baseLr: number,
  epoch: number,
  milestones: number[],
  gamma: number,
): number {
  const passed = milestones.filter((m) => epoch >= m).length;
  return baseLr * Math.pow(gamma, passed);
}
