// Ink rendering of the shared line model. Loaded only through `await import()` so that commands
// which print nothing coloured never pay for ink and react at startup.
import { Box, renderToString, Text } from "ink";
import type { Style } from "./color.js";
import type { Line, Segment } from "./styled-lines.js";

type TextStyle = { color?: string; bold?: boolean; dimColor?: boolean };

/** The ink props of a style tag: the same names `paint` turns into escape codes. */
function textProps(style: Segment["style"]): TextStyle {
  const styles: readonly Style[] = style === undefined ? [] : typeof style === "string" ? [style] : style;
  const props: TextStyle = {};
  for (const s of styles) {
    if (s === "bold") props.bold = true;
    else if (s === "dim") props.dimColor = true;
    else props.color = s;
  }
  return props;
}

/**
 * One line; an empty line still takes a row. `truncate` cuts it at the terminal's width;
 * `color={false}` drops the styles (NO_COLOR on a terminal).
 */
export function StyledLine({ line, truncate = false, color = true }: { line: Line; truncate?: boolean; color?: boolean }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap={truncate ? "truncate-end" : "wrap"}>
      {line.map((s, i) => (
        <Text key={i} {...(color ? textProps(s.style) : {})}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

export function LinesView({ lines }: { lines: readonly Line[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <StyledLine key={i} line={l} />
      ))}
    </Box>
  );
}

/** The lines rendered by ink at `columns`, with colours, as one string (no live terminal needed). */
export function renderLinesToString(lines: readonly Line[], columns: number): string {
  return renderToString(<LinesView lines={lines} />, { columns });
}
