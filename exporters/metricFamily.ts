/** Label values of one series; `shared` is a per-container object that prom-client formats once and caches. */
export type SeriesValue = {
  value: number;
  labels?: Record<string, string | number>;
  sharedLabels?: Readonly<Record<string, string>>;
};

/** One metric family, read at scrape time from the agent's caches. */
export type MetricFamily = {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  collect(): SeriesValue[];
};

/** A collector module: the families one concern (cpu, memory, …) contributes. */
export type FamilyCollector = () => MetricFamily[];
