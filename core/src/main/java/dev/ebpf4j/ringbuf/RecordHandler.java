package dev.ebpf4j.ringbuf;

/**
 * Receives ring buffer records. The {@link RingRecord} passed in is a reused view that is valid only during the call
 * (see {@link RingRecord}). An exception thrown here stops the current poll and propagates to its caller; the record
 * that threw counts as consumed, so one bad record cannot be redelivered forever.
 *
 * <pre>{@code
 * RecordHandler handler = record -> counts.merge(record.getInt(0), 1L, Long::sum);
 * }</pre>
 */
@FunctionalInterface
public interface RecordHandler {
    void onRecord(RingRecord record);
}
