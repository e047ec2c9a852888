// A recording stand-in for the real `kind` v0.29, put first on PATH in real-mode tests: it logs
// every argv to FAKE_KIND_LOG, answers as clis/NOTES.md describes (steps on stderr, names on
// stdout, `ERROR: …` and exit 1), and keeps its clusters in FAKE_KIND_STATE. FAKE_KIND_FAIL=1 makes
// create fail at the control-plane step, as kubeadm init failing would; FAKE_KIND_HANG=1 makes it
// hang while preparing nodes.
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = String.raw`#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_KIND_LOG, JSON.stringify(args) + "\n");
const stateFile = process.env.FAKE_KIND_STATE;
const clusters = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : [];
const flag = (n) => { const i = args.indexOf(n); return i < 0 ? undefined : args[i + 1]; };
const err = (m) => { process.stderr.write("ERROR: " + m + "\n"); process.exit(1); };
const [verb, noun] = args;
if (verb === "get" && noun === "clusters") {
  if (clusters.length === 0) process.stderr.write("No kind clusters found.\n");
  else process.stdout.write([...clusters].sort().join("\n") + "\n");
  process.exit(0);
}
if (verb === "delete" && noun === "cluster") {
  const name = flag("--name") ?? "kind";
  process.stderr.write('Deleting cluster "' + name + '" ...\n');
  if (clusters.includes(name)) {
    fs.writeFileSync(stateFile, JSON.stringify(clusters.filter((c) => c !== name)));
    const kc = flag("--kubeconfig");
    if (kc && fs.existsSync(kc)) fs.writeFileSync(kc, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: \"\"\npreferences: {}\n");
    process.stderr.write('Deleted nodes: ["' + name + '-control-plane"]\n');
  }
  process.exit(0);
}
if (verb === "create" && noun === "cluster") {
  const name = flag("--name") ?? "kind";
  const image = flag("--image") ?? "kindest/node:v1.33.1";
  if (clusters.includes(name)) err('failed to create cluster: node(s) already exist for a cluster with the name "' + name + '"');
  process.stderr.write('Creating cluster "' + name + '" ...\n');
  const steps = ["Ensuring node image (" + image + ") 🖼", "Preparing nodes 📦 ", "Writing configuration 📜", "Starting control-plane 🕹️", "Installing CNI 🔌", "Installing StorageClass 💾"];
  for (const s of steps) {
    process.stderr.write(" • " + s + "  ...\n");
    if (process.env.FAKE_KIND_FAIL === "1" && s.startsWith("Starting control-plane")) {
      process.stderr.write(" ✗ " + s + "\n");
      err('failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged ' + name + '-control-plane kubeadm init --skip-phases=preflight --config=/kind/kubeadm.conf --skip-token-print --v=6" failed with error: exit status 1');
    }
    if (process.env.FAKE_KIND_HANG === "1" && s.startsWith("Preparing nodes")) { setTimeout(() => process.exit(0), 120000); return; }
    process.stderr.write(" ✓ " + s + "\n");
  }
  const wait = flag("--wait");
  if (wait && wait !== "0s" && wait !== "0") {
    process.stderr.write(" • Waiting ≤ 5m0s for control-plane = Ready ⏳  ...\n ✓ Waiting ≤ 5m0s for control-plane = Ready ⏳\n • Ready after 12s 💚\n");
  }
  const kc = flag("--kubeconfig");
  fs.mkdirSync(path.dirname(kc), { recursive: true });
  fs.writeFileSync(kc, "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: Q0FEQVRB\n    server: https://127.0.0.1:41234\n  name: kind-" + name + "\ncontexts:\n- context:\n    cluster: kind-" + name + "\n    user: kind-" + name + "\n  name: kind-" + name + "\ncurrent-context: kind-" + name + "\nusers:\n- name: kind-" + name + "\n  user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: U0VDUkVUS0VZLWZha2Uta2luZA==\n", { mode: 0o644 });
  fs.writeFileSync(stateFile, JSON.stringify([...clusters, name]));
  process.stderr.write('Set kubectl context to "kind-' + name + '"\nYou can now use your cluster with:\n\nkubectl cluster-info --context kind-' + name + " --kubeconfig " + kc + "\n\nHave a nice day! 👋\n");
  process.exit(0);
}
err("unknown command " + JSON.stringify(verb) + ' for "kind"');
`;

export interface FakeKind {
  /** A folder holding `kind`, to put first on PATH. */
  binDir: string;
  env: Record<string, string>;
  /** Every argv the fake was run with, in order. */
  calls(): Promise<string[][]>;
}

export async function fakeKind(extra: Record<string, string> = {}): Promise<FakeKind> {
  const dir = await mkdtemp(join(tmpdir(), "hk-fake-kind-"));
  const binDir = join(dir, "bin");
  const { mkdir, readFile } = await import("node:fs/promises");
  await mkdir(binDir);
  await writeFile(join(binDir, "kind"), SCRIPT);
  await chmod(join(binDir, "kind"), 0o755);
  const log = join(dir, "calls.jsonl");
  const env = { PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`, FAKE_KIND_LOG: log, FAKE_KIND_STATE: join(dir, "clusters.json"), ...extra };
  return {
    binDir,
    env,
    async calls() {
      const text = await readFile(log, "utf8").catch(() => "");
      return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as string[]);
    },
  };
}
