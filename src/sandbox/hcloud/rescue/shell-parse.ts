// A small shell grammar for rescue-system commands: words with '…', "…" and \ escapes; pipelines
// joined by |; lists joined by &&, || and ;. Enough for the image-writing one-liners, nothing more.

export type ListOp = "&&" | "||" | ";";

export interface CommandList {
  pipelines: { commands: string[][]; op: ListOp | undefined }[];
}

type Token = { word: string } | { op: "|" | ListOp };

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word = "";
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push({ word });
    word = "";
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? "";
    const next = line[i + 1];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error("unexpected EOF while looking for matching `''");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      i++;
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === "\\" && ['"', "\\", "$", "`"].includes(line[i + 1] ?? "")) i++;
        word += line[i] ?? "";
      }
      if (i >= line.length) throw new Error('unexpected EOF while looking for matching `"\'');
      inWord = true;
    } else if (ch === "\\") {
      word += next ?? "";
      inWord = true;
      i++;
    } else if (ch === " " || ch === "\t" || ch === "\n") {
      if (ch === "\n") {
        flush();
        tokens.push({ op: ";" });
      } else flush();
    } else if ((ch === "&" && next === "&") || (ch === "|" && next === "|")) {
      flush();
      tokens.push({ op: ch === "&" ? "&&" : "||" });
      i++;
    } else if (ch === "|" || ch === ";") {
      flush();
      tokens.push({ op: ch });
    } else if (ch === "&" || ch === "<" || ch === ">" || ch === "`" || ch === "$" || ch === "(" || ch === ")") {
      throw new Error(`unsupported shell syntax '${ch}' in the sandbox rescue system`);
    } else {
      word += ch;
      inWord = true;
    }
  }
  flush();
  return tokens;
}

export function parseCommandLine(line: string): CommandList {
  const list: CommandList = { pipelines: [] };
  let commands: string[][] = [];
  let current: string[] = [];
  const endCommand = () => {
    if (current.length === 0) throw new Error("syntax error near unexpected token");
    commands.push(current);
    current = [];
  };
  for (const t of tokenize(line)) {
    if ("word" in t) current.push(t.word);
    else if (t.op === "|") endCommand();
    else {
      if (current.length === 0 && commands.length === 0 && t.op === ";") continue;
      endCommand();
      list.pipelines.push({ commands, op: t.op });
      commands = [];
    }
  }
  if (current.length > 0) endCommand();
  if (commands.length > 0) list.pipelines.push({ commands, op: undefined });
  return list;
}
