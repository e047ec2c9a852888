// Ink rendering of the shared line model. Loaded only through `await import()` so that commands
// which print nothing coloured never pay for ink and react at startup.
import { Box, renderToString, Text } from "ink";
import { paint } from "./color.js";
import type { Line } from "./styled-lines.js";

/**
 * One line; an empty line still takes a row. `truncate` cuts it at the terminal's width.
 * Styles are painted by `paint`, as in plain text, so colour follows hk's own --no-color /
 * NO_COLOR decision rather than ink's guess about the terminal.
 */
export function StyledLine({ line, truncate = false, color = true }: { line: Line; truncate?: boolean; color?: boolean }) {
  if (line.length === 0) return <Text> </Text>;
  return <Text wrap={truncate ? "truncate-end" : "wrap"}>{line.map((s) => paint(s.text, s.style, color)).join("")}</Text>;
}

export function LinesView({ lines, color = true }: { lines: readonly Line[]; color?: boolean }) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <StyledLine key={i} line={l} color={color} />
      ))}
    </Box>
  );
}

/** The lines rendered by ink at `columns`, as one string (no live terminal needed). */
export function renderLinesToString(lines: readonly Line[], columns: number, color: boolean): string {
  return renderToString(<LinesView lines={lines} color={color} />, { columns });
}
