// The shapes every resource module repeats: read one object by id (gone = undefined), delete one
// (already gone = done), and a POST that starts actions.
import { z } from "zod";
import { ExternalError } from "../../engine/errors.js";
import type { HcloudClient } from "./client.js";
import { actionSchema, type Action } from "./schemas.js";

export function isNotFound(err: unknown): boolean {
  return err instanceof ExternalError && err.code === "not_found";
}

/** GET `/<plural>/<id>` and take `key`; undefined when the object does not exist (404). */
export async function getOne<T>(c: HcloudClient, path: string, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const body = await c.request("GET", path, { schema: z.object({ [key]: schema }) });
    return body[key] as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** DELETE and wait for the action it starts, if any; an object already gone counts as deleted. */
export async function deleteOne(c: HcloudClient, path: string): Promise<void> {
  try {
    const body = await c.request("DELETE", path, { schema: z.object({ action: actionSchema.nullable().optional() }).optional() });
    if (body?.action) await c.waitActions([body.action]);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
}

/** POST an action endpoint (`/servers/7/actions/poweroff`) and return the action(s) it started. */
export async function postAction(c: HcloudClient, path: string, body: unknown = {}): Promise<Action[]> {
  const res = await c.request("POST", path, {
    body,
    schema: z.object({ action: actionSchema.optional(), actions: z.array(actionSchema).optional() }),
  });
  return [...(res.action ? [res.action] : []), ...(res.actions ?? [])];
}

/** POST an action and wait for it to finish. */
export async function runAction(c: HcloudClient, path: string, body: unknown = {}): Promise<void> {
  await c.waitActions(await postAction(c, path, body));
}
