package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link RouterSimulation#start()} and {@link RouterSimulation#advanceTo(long)}: a run driven in steps. */
class RouterSimulationSteppingTest {
    private static final long MBIT = RouterFixtures.MBIT;

    private static RouterConfig config() {
        return RouterFixtures.config(2, 2, 100 * MBIT, true, true, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 2, 4, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(1, 2, 10 * MBIT, 1000)), 150_000_000L, 11);
    }

    @Test
    void shouldFollowTheSameTrajectoryInStepsAsInOneRun() {
        final RouterConfig c = config();
        final RouterSimulation whole = new RouterSimulation(c);
        final RouterResults r = whole.run(ProgressListener.NONE);
        final RouterSimulation stepped = new RouterSimulation(c);
        stepped.start();
        long last = 0;
        for (long t = 7_000_001L; t < c.totalNs(); t += 7_000_001L) {
            final long forwarded = stepped.advanceTo(t);
            assertThat(forwarded).as("forwarded by %d ns", t).isGreaterThanOrEqualTo(last);
            assertThat(stepped.nowNs()).isEqualTo(t);
            last = forwarded;
        }
        final long total = stepped.advanceTo(c.totalNs());
        assertThat(total).isEqualTo(whole.forwardedTotal()).isEqualTo(stepped.forwardedTotal());
        // the results count the measurement window only; the warm-up forwarded some packets too
        assertThat(total).isGreaterThan(r.forwardedPackets());
        assertThat(r.forwardedPackets()).isPositive();
        assertThat(stepped.injected()).isEqualTo(whole.injected());
        assertThat(stepped.delivered()).isEqualTo(whole.delivered());
        assertThat(stepped.droppedTotal()).isEqualTo(whole.droppedTotal());
        assertThat(stepped.held()).isEqualTo(whole.held());
        for (int f = 0; f < whole.flowCount(); f++) {
            assertThat(stepped.flowDial(f)).as("flow %d", f).isEqualTo(whole.flowDial(f));
        }
    }

    @Test
    void shouldRunPastTheConfiguredDurationWhenStepped() {
        final RouterConfig c = config();
        final RouterSimulation sim = new RouterSimulation(c);
        sim.start();
        final long atEnd = sim.advanceTo(c.totalNs());
        assertThat(sim.advanceTo(2 * c.totalNs())).isGreaterThan(atEnd);
        assertThat(sim.nowNs()).isEqualTo(2 * c.totalNs());
    }

    @Test
    void shouldStartOnce() {
        final RouterSimulation sim = new RouterSimulation(config());
        assertThatThrownBy(() -> sim.advanceTo(1_000L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before start()");
        sim.start();
        assertThatThrownBy(sim::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sim.run(ProgressListener.NONE)).isInstanceOf(IllegalStateException.class);
    }
}
