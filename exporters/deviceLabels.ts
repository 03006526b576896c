/** Frozen `{ device }` label objects, one per device name, so prom-client formats each once. */
export class DeviceLabels {
  private readonly cache = new Map<string, Readonly<Record<string, string>>>();

  /** The labels of a device. */
  of(device: string): Readonly<Record<string, string>> {
    let labels = this.cache.get(device);
    if (!labels) this.cache.set(device, (labels = Object.freeze({ device })));
    return labels;
  }
}
