package dev.tandem.session;

import dev.tandem.testing.Container;

class SessionFilterOnTomcatTest extends SessionFilterContract {
    @Override
    Container container() {
        return Container.TOMCAT;
    }
}
