package io.pktsim.cli.sweep;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jctools.queues.MpscArrayQueue;

/**
 * Runs the points of a sweep on a fixed pool of worker threads, one point (one single-threaded simulation) per
 * worker at a time, and hands each finished row through a JCTools {@link MpscArrayQueue} to one writer: the calling
 * thread. The writer holds a row that finished early until every row before it is written, so the output is in
 * point order whatever the number of threads. Workers take points in order from a shared counter.
 */
public final class SweepRunner {

    private static final long WRITER_IDLE_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WORKER_FULL_NS = TimeUnit.MICROSECONDS.toNanos(100);

    /** What a worker does with one point. */
    @FunctionalInterface
    public interface PointTask {
        /**
         * @param p the point
         * @return its row
         * @throws RuntimeException if the point's run fails
         */
        Row run(SweepGrid.Point p);
    }

    /** Where the writer puts rows, in point order. */
    @FunctionalInterface
    public interface RowSink {
        /**
         * @param row the next row
         * @throws IOException if it cannot be written
         */
        void write(Row row) throws IOException;
    }

    /**
     * A finished point.
     *
     * @param point the point
     * @param csv its results.csv line
     * @param json its results.jsonl line
     * @param progress its progress text
     */
    public record Row(SweepGrid.Point point, String csv, String json, String progress) {
    }

    /**
     * A point whose run failed.
     *
     * @param point the point
     * @param cause what the run threw
     */
    public record Failure(SweepGrid.Point point, Throwable cause) {
    }

    /** Slot of the queue: a row, or the failure of the point at an order. */
    private record Done(int order, Row row, Failure failure) {
    }

    private SweepRunner() {
    }

    /**
     * Runs the points and writes their rows in order.
     *
     * @param todo the points to run, in point order
     * @param threads the number of workers (at most one per point is started)
     * @param task what a worker does with a point
     * @param sink where the writer (the calling thread) puts each row
     * @param stop set (e.g. on Ctrl-C) to stop: the writer returns after the row it is writing, workers take no
     *     new point
     * @return null when every point was written, else the first failed point in order (the rows before it are
     *     written); also null when stopped
     * @throws IOException if the sink fails (workers are told to stop)
     */
    public static Failure run(final List<SweepGrid.Point> todo, final int threads, final PointTask task,
        final RowSink sink, final AtomicBoolean stop) throws IOException {
        final int n = todo.size();
        if (n == 0) {
            return null;
        }
        final int workers = Math.max(1, Math.min(threads, n));
        final MpscArrayQueue<Done> queue = new MpscArrayQueue<>(Math.max(8, workers * 4));
        final AtomicInteger next = new AtomicInteger();
        final AtomicBoolean abort = new AtomicBoolean();
        for (int w = 0; w < workers; w++) {
            final Thread t = new Thread(() -> work(todo, task, queue, next, abort, stop), "pktsim-sweep-" + w);
            t.setDaemon(true);
            t.start();
        }
        final Done[] held = new Done[n];
        int written = 0;
        try {
            while (written < n && !stop.get()) {
                final Done d = queue.poll();
                if (d == null) {
                    LockSupport.parkNanos(WRITER_IDLE_NS);
                    continue;
                }
                held[d.order()] = d;
                while (written < n && held[written] != null && !stop.get()) {
                    final Done x = held[written];
                    held[written] = null;
                    if (x.failure() != null) {
                        return x.failure();
                    }
                    sink.write(x.row());
                    written++;
                }
            }
            return null;
        } finally {
            abort.set(true);
        }
    }

    private static void work(final List<SweepGrid.Point> todo, final PointTask task, final MpscArrayQueue<Done> queue,
        final AtomicInteger next, final AtomicBoolean abort, final AtomicBoolean stop) {
        while (!abort.get() && !stop.get()) {
            final int i = next.getAndIncrement();
            if (i >= todo.size()) {
                return;
            }
            Done d = null;
            try {
                d = new Done(i, task.run(todo.get(i)), null);
            } catch (final RuntimeException e) {
                d = new Done(i, null, new Failure(todo.get(i), e));
                abort.set(true);
            } finally {
                if (d == null) {
                    // an Error is on its way out of this thread: tell the writer, which waits for this point
                    abort.set(true);
                    offer(queue, new Done(i, null, new Failure(todo.get(i),
                        new IllegalStateException("the worker thread died on point " + todo.get(i).index()))), stop);
                }
            }
            if (!offer(queue, d, stop)) {
                return;
            }
        }
    }

    private static boolean offer(final MpscArrayQueue<Done> queue, final Done d, final AtomicBoolean stop) {
        while (!queue.offer(d)) {
            if (stop.get()) {
                return false;
            }
            LockSupport.parkNanos(WORKER_FULL_NS);
        }
        return true;
    }
}
