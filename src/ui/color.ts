// The one place that decides whether output is coloured and how a style looks as escape codes.
// Views never write escape codes themselves: they tag text with a Style and call `paint`.
import { styleText } from "node:util";

/** The closed set of styles the views use; the ink views map the same names to <Text> props. */
export type Style = "green" | "yellow" | "red" | "cyan" | "magenta" | "gray" | "bold" | "dim";

/** `text` wrapped in the escape codes of `style`, or unchanged when colour is off. */
export function paint(text: string, style: Style | readonly Style[] | undefined, color: boolean): string {
  if (!color || style === undefined || text === "") return text;
  const styles = typeof style === "string" ? [style] : [...style];
  if (styles.length === 0) return text;
  // validateStream: false — whether to colour is decided by the caller's flag, not by Node's guess.
  return styleText(styles, text, { validateStream: false });
}

export interface ColorChoice {
  /** The stream the output goes to; colour only when it is a terminal, unless forced. */
  stream: { isTTY?: boolean | undefined };
  /** `--no-color` given on the command line. */
  noColorFlag?: boolean | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Colour or not, by the usual rules: `--no-color` and NO_COLOR (any non-empty value) switch it
 * off, FORCE_COLOR (other than "0") switches it on, otherwise only a terminal gets colour.
 */
export function wantsColor(choice: ColorChoice): boolean {
  const env = choice.env ?? process.env;
  if (choice.noColorFlag) return false;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (env["TERM"] === "dumb") return false;
  return choice.stream.isTTY === true;
}
