package dev.tandem.testing;

/** The servlet containers every filter test runs on. */
public enum Container {
    JETTY {
        @Override
        public RunningServer start(WebApp app) {
            return JettyServer.start(app);
        }
    },
    TOMCAT {
        @Override
        public RunningServer start(WebApp app) {
            return TomcatServer.start(app);
        }
    };

    public abstract RunningServer start(WebApp app);
}
