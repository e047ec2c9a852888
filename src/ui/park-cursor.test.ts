import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { parkAtFrameTop, rowsOf } from "./park-cursor.js";

const ESC = "\u001B[";
const inkErase = (n: number) => Array.from({ length: n }, (_, i) => `${ESC}2K${i < n - 1 ? `${ESC}1A` : ""}`).join("") + `${ESC}G`;

function terminal(columns: number) {
  const written: string[] = [];
  const size = [columns, 40];
  const stream = Object.assign(new EventEmitter(), {
    columns,
    write: (s: string) => (written.push(s), true),
    _handle: { getWindowSize: (out: number[]) => (out.push(...size), 0) },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, written, resize: (c: number) => (size[0] = c) };
}

describe("parkAtFrameTop", () => {
  it("counts the rows lines take once a narrower terminal wraps them", () => {
    expect(rowsOf(`${"x".repeat(120)}\nshort\n\n`, 40)).toBe(5);
    expect(rowsOf(`${ESC}36m${"x".repeat(40)}${ESC}39m\n`, 40)).toBe(1);
  });

  it("parks the cursor on the frame's first row in the same write, and turns ink's erase into erase-below", () => {
    const t = terminal(120);
    const restore = parkAtFrameTop(t.stream);
    t.stream.write("line one\nline two\n");
    t.stream.write(`${inkErase(3)}line one!\nline two!\n`);
    // A frame written for the old width after the terminal shrank wraps: its rows at the real width.
    t.resize(40);
    t.stream.write(`${inkErase(3)}${"y".repeat(120)}\n`);
    t.stream.write(`${ESC}?2026h`);
    restore();
    expect(t.written).toEqual([
      `line one\nline two\n${ESC}2A`,
      `${ESC}G${ESC}Jline one!\nline two!\n${ESC}2A`,
      `${ESC}G${ESC}J${"y".repeat(120)}\n${ESC}3A`,
      `${ESC}?2026h`,
      `${ESC}3B`,
    ]);
  });

  it("writes what follows static lines below them", () => {
    const t = terminal(80);
    const restore = parkAtFrameTop(t.stream);
    t.stream.write("done: a\n");
    t.stream.write("frame\n");
    restore();
    expect(t.written).toEqual([`done: a\n${ESC}1A`, `${ESC}1Bframe\n${ESC}1A`, `${ESC}1B`]);
  });
});
