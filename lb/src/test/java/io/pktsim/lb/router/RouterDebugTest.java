package io.pktsim.lb.router;

import java.util.List;

import org.junit.jupiter.api.Test;

class RouterDebugTest {
    @Test
    void debug() {
        final RouterSimulation s = new RouterSimulation(RouterFixtures.config(1, 1, 100 * RouterFixtures.MBIT, true,
                false, RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 2, RouterConfig.Direction.DOWNLOAD)),
                200_000_000L, 1));
        final RouterResults r = s.run(ProgressListener.NONE);
        System.out.println("inj " + s.injected() + " del " + s.delivered() + " drop " + s.droppedTotal() + " held "
                + s.held() + " " + r);
    }
}
