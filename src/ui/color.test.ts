import { describe, expect, it } from "vitest";
import { paint, wantsColor } from "./color.js";

describe("wantsColor", () => {
  it.each([
    ["a terminal", { stream: { isTTY: true }, env: {} }, true],
    ["a pipe", { stream: { isTTY: false }, env: {} }, false],
    ["--no-color on a terminal", { stream: { isTTY: true }, env: {}, noColorFlag: true }, false],
    ["NO_COLOR on a terminal", { stream: { isTTY: true }, env: { NO_COLOR: "1" } }, false],
    ["empty NO_COLOR", { stream: { isTTY: true }, env: { NO_COLOR: "" } }, true],
    ["FORCE_COLOR on a pipe", { stream: { isTTY: false }, env: { FORCE_COLOR: "1" } }, true],
    ["FORCE_COLOR=0 on a terminal", { stream: { isTTY: true }, env: { FORCE_COLOR: "0" } }, false],
    ["NO_COLOR beats FORCE_COLOR", { stream: { isTTY: false }, env: { NO_COLOR: "1", FORCE_COLOR: "1" } }, false],
    ["a dumb terminal", { stream: { isTTY: true }, env: { TERM: "dumb" } }, false],
  ])("%s", (_name, choice, expected) => {
    expect(wantsColor(choice)).toBe(expected);
  });
});

describe("paint", () => {
  it("adds escape codes only when colour is on", () => {
    expect(paint("x", ["red", "bold"], true)).toBe("\u001b[31m\u001b[1mx\u001b[22m\u001b[39m");
    expect(paint("x", ["red", "bold"], false)).toBe("x");
    expect(paint("x", undefined, true)).toBe("x");
  });
});
