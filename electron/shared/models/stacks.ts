/** Swarm stacks: compose files deployed to a swarm (`docker stack deploy`), shown as a group. */
import type { ServiceSummary, TaskInfo } from './swarm';

export interface StackSummary {
  /** Its name (com.docker.stack.namespace on everything it made). */
  name: string;
  services: number;
  /** Tasks running / wanted, over all its services. */
  running: number;
  desired: number;
  /** A service of it is in a rolling update or rollback. */
  updating: boolean;
}

export interface StackDetail {
  name: string;
  /** Its services, each with its tasks (where each runs and its state). */
  services: (ServiceSummary & { tasks: TaskInfo[] })[];
  networks: string[];
  secrets: string[];
  configs: string[];
}
