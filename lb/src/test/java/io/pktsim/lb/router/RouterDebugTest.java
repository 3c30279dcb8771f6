package io.pktsim.lb.router;

import java.util.List;

import org.junit.jupiter.api.Test;

class RouterDebugTest {
    @Test
    void debug() {
        for (RouterConfig.OffloadMode m : RouterConfig.OffloadMode.values()) {
            final RouterSimulation s = new RouterSimulation(RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT,
                    false, false, m, RouterConfig.Balancing.none(),
                    List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD)),
                    400_000_000L, 1));
            final RouterResults r = s.run(ProgressListener.NONE);
            System.out.println(m + " inj " + s.injected() + " del " + s.delivered() + " drop " + s.droppedTotal()
                    + " held " + s.held() + " gp " + r.goodputBps() / 1e6 + " " + s.debugFlow(0) + " cpu "
                    + r.cpuAverage() + " " + r.drops().byReason().stream().filter(c -> c.value() > 0).toList());
        }
    }
}
