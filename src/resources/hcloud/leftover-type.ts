// A resource type hk never creates, only sweeps on destroy: objects of one kind labelled for the
// stack (CAPH's caph-cluster-<stack>=owned or hk's hk/stack=<stack>) that are not in hk's state.
// Nothing without one of those labels is ever listed, so nothing unlabelled is touched.
//
// An object with Hetzner's delete protection is kept, and so is what it is tied to (the volume
// attached to a protected server, the network it is on…): the sweep says so, with the command
// that lifts the protection, instead of failing on it. Each found object also names the objects
// it must be deleted after (a volume after the server it is attached to), so one failure holds
// back only what really depends on it.
import { z } from "zod";
import { AbortError, BugError } from "../../engine/errors.js";
import type { Cost, Discovered, ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import type { JsonObject } from "../../engine/values.js";
import { getLoadBalancer, getServer, listLoadBalancers, listServers, type HcloudClient } from "../../providers/hcloud/index.js";
import { labelledFor, labelValue, ownerMark, STACK_LABEL, stackSelectors, TEMPORARY_LABEL } from "./labels.js";

/** A discovered object this one is tied to and must be deleted after. */
export interface Tie {
  type: "hcloud_server" | "hcloud_load_balancer";
  id: number;
  /** How the plan says it: "attached to" (server prot). */
  how: string;
}

/**
 * What the sweep finds: `keep` (not to be deleted, and why: the plan lists it as kept) and
 * `after` (discovered objects, by type and id, that must be deleted before this one; the engine
 * uses it instead of the type's deleteAfter). `keep` is also in the inputs as `kept`, and delete
 * leaves a kept object alone, should one ever reach it.
 */
export interface Swept extends Discovered {
  keep?: string;
  after?: { type: string; id: string }[];
}

export interface LeftoverSpec<T extends { id: number; name: string; labels: Record<string, string> }> {
  type: string;
  /** What the plan calls one object: "server", "load balancer". */
  noun: string;
  /** The `hcloud` CLI's command for the kind, when it has delete protection: "server", "primary-ip". */
  cli?: string;
  list(c: HcloudClient, labelSelector: string): Promise<T[]>;
  get(c: HcloudClient, id: number): Promise<T | undefined>;
  /** Delete one object, waiting for it to be gone (detaching it first where the API needs that). */
  remove(c: HcloudClient, obj: T, ctx: StepContext): Promise<void>;
  /** What the plan shows (and cost prices) about an object. */
  describe(obj: T): JsonObject;
  /** More objects that belong to the stack although they carry neither label (e.g. the CCM's load balancers). */
  more?(c: HcloudClient, stack: string): Promise<T[]>;
  /** Whether the object has Hetzner's delete protection. */
  isProtected?(obj: T): boolean;
  /** The servers and load balancers the object is tied to, which go before it. */
  ties?(obj: T): Tie[];
  cost?(client: HcloudClient, inputs: JsonObject): Promise<Cost | undefined>;
  deleteAfter?: string[];
  /** hk makes objects of this kind for itself during a run (the image build's server and key): ones still there are strays. */
  temporaries?: boolean;
}

/** The name part of a swept object's plan address (`hcloud_server.<name>`): its own name, made address-safe. */
const planName = (o: { id: number; name: string }): string => o.name.replace(/[^A-Za-z0-9_-]/g, "_") || String(o.id);

const anyObject = z.record(z.string(), z.json()) as z.ZodType<JsonObject>;

const HOLDER_NOUN: Record<Tie["type"], { noun: string; cli: string }> = {
  hcloud_server: { noun: "server", cli: "server" },
  hcloud_load_balancer: { noun: "load balancer", cli: "load-balancer" },
};

/**
 * The `hcloud` command that lifts an object's delete protection. A primary IP has no other
 * level: Debian's CLI (1.30.3) refuses a level argument there, and newer ones do not need it.
 */
export function unprotectCommand(cli: string, ref: string): string {
  return `hcloud ${cli} disable-protection ${ref}${cli === "primary-ip" ? "" : " delete"}`;
}

/** Why a protected object is kept, with the command that lifts the protection. */
export function protectedReason(noun: string, cli: string, ref: string): string {
  return `delete protection is on, so hk leaves this ${noun}; to delete it, run \`${unprotectCommand(cli, ref)}\` and destroy again`;
}

function heldReason(tie: Tie, holder: string): string {
  const h = HOLDER_NOUN[tie.type];
  return `${tie.how} ${h.noun} ${holder}, which has delete protection, so hk leaves this too; to delete both, run \`${unprotectCommand(h.cli, holder)}\` and destroy again`;
}

/** Servers and load balancers looked up once per discover: the stack's by label, others one by one. */
function holderLookup(c: HcloudClient, stack: string) {
  const cache = new Map<string, Promise<{ name: string; protected: boolean } | undefined>>();
  const listed = new Map<Tie["type"], Promise<Map<number, { name: string; protected: boolean }>>>();
  const listOf = (t: Tie["type"], sel: string) => (t === "hcloud_server" ? listServers(c, { labelSelector: sel }) : listLoadBalancers(c, { labelSelector: sel }));
  const getOf = (t: Tie["type"], id: number) => (t === "hcloud_server" ? getServer(c, id) : getLoadBalancer(c, id));
  const stackOnes = (t: Tie["type"]) => {
    let p = listed.get(t);
    if (!p) {
      p = (async () => {
        const m = new Map<number, { name: string; protected: boolean }>();
        for (const sel of stackSelectors(stack))
          for (const o of await listOf(t, sel)) m.set(o.id, { name: o.name, protected: o.protection?.delete === true });
        return m;
      })();
      listed.set(t, p);
    }
    return p;
  };
  return (tie: Tie) => {
    const key = `${tie.type}/${tie.id}`;
    let p = cache.get(key);
    if (!p) {
      p = (async () => {
        const known = (await stackOnes(tie.type)).get(tie.id);
        if (known) return known;
        const o = await getOf(tie.type, tie.id);
        return o ? { name: o.name, protected: o.protection?.delete === true } : undefined;
      })();
      cache.set(key, p);
    }
    return p;
  };
}

export function leftoverType<T extends { id: number; name: string; labels: Record<string, string> }>(client: HcloudClient, spec: LeftoverSpec<T>): ResourceType {
  const api = (ctx: StepContext) => client.withSignal(ctx.signal);
  const selfProtected = (o: T) => spec.isProtected?.(o) === true;
  const type: ResourceType = {
    type: spec.type,
    inputs: anyObject,
    outputs: anyObject,

    async read(ctx, current): Promise<ReadResult> {
      const obj = await spec.get(api(ctx), Number(current.id));
      return obj ? { status: "found", inputs: spec.describe(obj), outputs: { id: obj.id } } : { status: "gone" };
    },

    create() {
      throw new BugError(`${spec.type} is only swept by destroy; hk never creates a ${spec.noun}`);
    },

    update() {
      throw new BugError(`${spec.type} is only swept by destroy; hk never changes a ${spec.noun}`);
    },

    async delete(ctx, current) {
      const kept = current.inputs["kept"];
      if (typeof kept === "string") {
        // The plan said it stays: it stays, even if the protection was lifted since.
        ctx.progress(`kept: ${kept}`);
        ctx.log(`${spec.noun} ${current.id} kept: ${kept}`);
        return;
      }
      const c = api(ctx);
      const obj = await spec.get(c, Number(current.id));
      if (!obj) return;
      if (selfProtected(obj)) {
        throw new AbortError(`${spec.noun} ${obj.name} (${obj.id}) got delete protection after the plan was made`, `run \`${unprotectCommand(spec.cli ?? spec.type, obj.name)}\` to delete it, or leave it; then destroy again`);
      }
      ctx.progress(`deleting ${spec.noun} ${obj.name} (${obj.id})`);
      await spec.remove(c, obj, ctx);
    },

    async discover(ctx, stack): Promise<Swept[]> {
      const c = api(ctx);
      const found = new Map<number, T>();
      for (const sel of stackSelectors(stack)) for (const o of await spec.list(c, sel)) if (labelledFor(o.labels, stack)) found.set(o.id, o);
      for (const o of (await spec.more?.(c, stack)) ?? []) found.set(o.id, o);
      const holder = holderLookup(c, stack);
      const out: Swept[] = [];
      for (const o of [...found.values()].sort((a, b) => a.id - b.id)) {
        const ties = spec.ties?.(o) ?? [];
        let keep: string | undefined;
        if (selfProtected(o)) keep = protectedReason(spec.noun, spec.cli ?? spec.type, o.name);
        else {
          for (const t of ties) {
            const h = await holder(t);
            if (h?.protected) {
              keep = heldReason(t, h.name);
              break;
            }
          }
        }
        const inputs = spec.describe(o);
        const swept: Swept = { id: String(o.id), name: planName(o), inputs: keep === undefined ? inputs : { ...inputs, kept: keep }, outputs: { id: o.id } };
        if (keep !== undefined) swept.keep = keep;
        const lineage = ownerMark(o.labels);
        if (lineage !== undefined) swept.lineage = lineage;
        if (spec.ties) swept.after = ties.map((t) => ({ type: t.type, id: String(t.id) }));
        out.push(swept);
      }
      return out;
    },
  };
  if (spec.temporaries) {
    // Labelled hk/temporary for this stack: made by a run for itself and left when it was killed.
    type.strays = async (ctx, stack) => {
      const found = await spec.list(api(ctx), `${TEMPORARY_LABEL},${STACK_LABEL}==${labelValue(stack)}`);
      return found
        .filter((o) => o.labels[STACK_LABEL] === labelValue(stack))
        .sort((a, b) => a.id - b.id)
        .map((o) => {
          const lineage = ownerMark(o.labels);
          return { id: String(o.id), name: planName(o), inputs: spec.describe(o), outputs: { id: o.id }, ...(lineage !== undefined ? { lineage } : {}) };
        });
    };
  }
  const cost = spec.cost;
  // A kept object saves nothing.
  if (cost) type.cost = async (inputs) => (typeof inputs["kept"] === "string" ? undefined : cost(client, inputs));
  if (spec.deleteAfter) return { ...type, deleteAfter: spec.deleteAfter };
  return type;
}
