/**
 * Collects what is handed in during one event-loop turn and passes it on together, once the turn's I/O callbacks
 * have run (setImmediate): under load, the requests read in one turn share one database transaction.
 */
export function perTurn<T>(flush: (items: T[]) => void): (item: T) => void {
  let queue: T[] = [];
  let scheduled = false;
  return (item) => {
    queue.push(item);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      const items = queue;
      queue = [];
      scheduled = false;
      flush(items);
    });
  };
}

/** A call waiting in a batch, settled once the batch has committed. */
export type Pending<R, V> = { request: R; resolve: (value: V) => void; reject: (error: unknown) => void };
