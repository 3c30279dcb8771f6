package io.pktsim.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** The worker pool and the in-order writer of {@link SweepRunner}, with tasks that finish in a chosen order. */
class SweepRunnerTest {

    private static List<SweepGrid.Point> points(final int n) {
        final List<SweepGrid.Point> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.add(new SweepGrid.Point(i, List.of(Integer.toString(i)), null));
        }
        return p;
    }

    private static SweepRunner.Row row(final SweepGrid.Point p) {
        return new SweepRunner.Row(p, p.index() + "\n", "{}\n", "");
    }

    @Test
    void shouldWriteRowsInPointOrderWhenTheyFinishOutOfOrder() throws IOException {
        final CountDownLatch laterDone = new CountDownLatch(3);
        final List<Integer> finished = new ArrayList<>();
        final List<Integer> written = new ArrayList<>();
        final SweepRunner.Failure f = SweepRunner.run(points(4), 4, p -> {
            if (p.index() == 0) {
                try {
                    assertThat(laterDone.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (final InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            synchronized (finished) {
                finished.add(p.index());
            }
            laterDone.countDown();
            return row(p);
        }, r -> written.add(r.point().index()), new AtomicBoolean());
        assertThat(f).isNull();
        assertThat(finished.get(3)).isZero();
        assertThat(written).containsExactly(0, 1, 2, 3);
    }

    @Test
    void shouldStopAtARowBoundary() throws IOException {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Integer> written = new ArrayList<>();
        final SweepRunner.Failure f = SweepRunner.run(points(50), 2, SweepRunnerTest::row, r -> {
            written.add(r.point().index());
            if (written.size() == 3) {
                stop.set(true);
            }
        }, stop);
        assertThat(f).isNull();
        assertThat(written).containsExactly(0, 1, 2);
    }

    @Test
    void shouldReturnTheFirstFailureAfterWritingTheRowsBeforeIt() throws IOException {
        final List<Integer> written = new ArrayList<>();
        final SweepRunner.Failure f = SweepRunner.run(points(6), 2, p -> {
            if (p.index() == 2 || p.index() == 4) {
                throw new IllegalStateException("no " + p.index());
            }
            return row(p);
        }, r -> written.add(r.point().index()), new AtomicBoolean());
        assertThat(f.point().index()).isEqualTo(2);
        assertThat(f.cause()).hasMessage("no 2");
        assertThat(written).containsExactly(0, 1);
    }

    @Test
    void shouldReportAWorkerThatDiedOfAnError() throws IOException {
        final List<Integer> written = new ArrayList<>();
        final SweepRunner.Failure f = SweepRunner.run(points(3), 1, p -> {
            if (p.index() == 1) {
                throw new StackOverflowError("deep");
            }
            return row(p);
        }, r -> written.add(r.point().index()), new AtomicBoolean());
        assertThat(f.point().index()).isEqualTo(1);
        assertThat(f.cause()).hasMessage("the worker thread died on point 1");
        assertThat(written).containsExactly(0);
    }

    @Test
    void shouldRunNothingForNoPoints() throws IOException {
        assertThat(SweepRunner.run(List.of(), 4, p -> {
            throw new AssertionError("ran");
        }, r -> {
            throw new AssertionError("wrote");
        }, new AtomicBoolean())).isNull();
    }
}
