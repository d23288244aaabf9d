/**
 * The renderer's background jobs as it last reported them (`jobs.report`). The jobs run in the
 * renderer, beside the dialogs that show them and the blobs that saves and loads hand to the
 * page; the main process only relays the list (`jobs:changed`) to the shell, whose tray lists the
 * running ones and whose OS notifications say how they ended.
 */
import type { JobReport } from '../../shared/jobs';
import type { EventHub } from '../event-hub';

export class JobsBoardService {
  private jobs: JobReport[] = [];

  constructor(private readonly hub: EventHub) {}

  report(jobs: JobReport[]): void {
    this.jobs = jobs;
    this.hub.emit('jobs:changed', { jobs });
  }

  list(): JobReport[] {
    return this.jobs;
  }
}
