// change_protection for the kinds whose only level is delete (images, volumes, primary IPs): the
// flag follows the request (unchanged without `delete`), and the action finishes at once.
import type { Project } from "./project.js";
import type { Reply } from "./router.js";

export function changeDeleteProtection(p: Project, rec: { id: number; protection: { delete: boolean } }, type: string, del: boolean | undefined): Reply {
  if (del !== undefined) rec.protection.delete = del;
  const action = p.startAction("change_protection", [{ id: rec.id, type }], { durationMs: 0 });
  return { status: 201, body: { action: p.renderAction(action) } };
}
