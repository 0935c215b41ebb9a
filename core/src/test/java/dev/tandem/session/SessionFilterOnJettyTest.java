package dev.tandem.session;

import dev.tandem.testing.Container;

class SessionFilterOnJettyTest extends SessionFilterContract {
    @Override
    Container container() {
        return Container.JETTY;
    }
}
