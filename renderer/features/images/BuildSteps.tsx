/** A BuildKit build's steps as a tree: stages, their steps, each with its state and time. */
import type { BuildStep } from '../../../electron/shared/models';
import { STEP_STATE, stepTime, stepTree } from '../../lib/build-steps';

export function BuildSteps({ steps }: { steps: BuildStep[] }) {
  // a running step's time so far is as of the last status BuildKit sent (no clock ticks here)
  const now = Date.now();
  return (
    <ul className="build-steps" role="tree" aria-label="Build steps">
      {stepTree(steps).map((node) => (
        <li key={node.stage ?? ''} role="treeitem" aria-expanded="true" aria-selected="false">
          {node.stage && <strong className="mono">{node.stage}</strong>}
          <ul role="group">
            {node.steps.map((s) => (
              <li key={s.id} role="treeitem" aria-selected="false" data-state={s.state} title={s.error}>
                <span className={`step-state step-${s.state}`}>{STEP_STATE[s.state]}</span> <span className="mono">{s.label}</span> <span className="muted small">{stepTime(s, now)}</span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
