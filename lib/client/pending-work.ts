/** Background work a client or system started and must wait for on flush() and close(); failures are not kept. */
export class PendingWork {
  #pending = new Set<Promise<void>>();

  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
  }

  /** Resolves once everything tracked, including work started meanwhile, has settled. */
  async settled(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }
}
