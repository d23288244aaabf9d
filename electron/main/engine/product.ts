/** Which engine answers: Podman's Docker-compatible service differs from dockerd in places. */
import type { EngineProduct } from '../../shared/models';

/** Podman's service names itself in /version's Components ("Podman Engine"); dockerd says "Engine". */
export function productOf(version: { Components?: { Name?: string }[] }): EngineProduct {
  return version.Components?.some((c) => c.Name === 'Podman Engine') ? 'podman' : 'docker';
}
