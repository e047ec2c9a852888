import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { confirm } from "./confirm.js";

function prompt(answer: string | null) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (c: Buffer) => (text += c.toString()));
  const result = confirm("Do you want to perform these actions?", { stdin, stdout });
  if (answer === null) stdin.end();
  else stdin.write(answer);
  return { result, text: () => text };
}

describe("confirm", () => {
  it("approves on exactly yes, and says that only yes approves", async () => {
    const p = prompt("yes\n");
    expect(await p.result).toBe(true);
    expect(p.text()).toBe("Do you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
  });

  it.each([
    ["y", "y\n"],
    ["Yes", "Yes\n"],
    ["no", "no\n"],
    ["empty", "\n"],
  ])("declines %s", async (_name, answer) => {
    expect(await prompt(answer).result).toBe(false);
  });

  it("accepts surrounding spaces", async () => {
    expect(await prompt("  yes \n").result).toBe(true);
  });

  it("declines when input ends without an answer", async () => {
    expect(await prompt(null).result).toBe(false);
  });

  it("declines on a SIGINT sent to the process (kill -INT), and stops listening for it after", async () => {
    const before = process.listenerCount("SIGINT");
    const p = prompt("");
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    process.emit("SIGINT");
    expect(await p.result).toBe(false);
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
