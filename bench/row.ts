/** One bench figure next to its baseline, measured in the same run. */
export interface Row {
  name: string;
  unit: string;
  berth: number;
  baselineName: string;
  baseline: number;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** What a step measured beside its rows (the VM's boot timeline), written to latest.json too. */
export const extras: Record<string, unknown> = {};
