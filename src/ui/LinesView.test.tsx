import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { samplePlan } from "../../test/ui/sample-plan.js";
import { LinesView } from "./LinesView.js";
import { planLines } from "./plan-lines.js";
import { formatPlan } from "./render-plan.js";
import { wrapLines } from "./styled-lines.js";

describe("LinesView", () => {
  it("shows the plan with the same lines as the plain text at the same width", () => {
    // ink-testing-library's terminal is 100 columns wide.
    const view = render(<LinesView lines={wrapLines(planLines(samplePlan()), 100)} />);
    const frame = stripVTControlCharacters(view.lastFrame() ?? "").split("\n").map((l) => l.trimEnd());
    expect(frame.join("\n")).toBe(formatPlan(samplePlan(), { color: false, width: 100 }));
    expect(view.lastFrame()).toContain("\u001b[");
    view.unmount();
  });

  it("paints nothing when colour is off", () => {
    const view = render(<LinesView lines={planLines(samplePlan())} color={false} />);
    expect(view.lastFrame()).not.toContain("\u001b");
    view.unmount();
  });
});
