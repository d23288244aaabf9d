/**
 * Where a stream handler sends its chunks. `write` resolves when the consumer can take more
 * (backpressure: await it before reading more from the source). `signal` aborts on cancel.
 * The API's router makes one per stream; services and terminals write to it, below the API.
 */
export interface StreamSink<C, I = never> {
  write(chunk: C): Promise<void>;
  signal: AbortSignal;
  /** Registers the listener for the client's (validated) input. */
  onInput(listener: (input: I) => void): void;
}
