/** A compose project's merged log: each service's colour, by its place in the order the services were seen. */
const PALETTE = [4, 2, 5, 6, 3, 1, 12, 10, 13, 14, 11, 9]; // ANSI colour numbers: the theme's --ansi-N

/** The CSS colour of `source` among `sources` (in the order first seen): by its place, so two services never share one until there are more than 12. */
export function sourceColour(sources: string[], source: string): string {
  const i = Math.max(0, sources.indexOf(source));
  return `var(--ansi-${PALETTE[i % PALETTE.length]})`;
}
