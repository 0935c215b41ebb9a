package dev.tandem.session;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the listeners named in the {@code listeners} init-param and the binding and activation
 * listeners on attribute values. A listener that throws is logged and never breaks a request.
 */
final class SessionListeners {
    private static final Logger LOG = LoggerFactory.getLogger(SessionListeners.class);

    private final List<HttpSessionListener> sessionListeners = new ArrayList<>();
    private final List<HttpSessionAttributeListener> attributeListeners = new ArrayList<>();
    private final List<HttpSessionIdListener> idListeners = new ArrayList<>();

    /** Makes each named listener through the web-app's class loader. */
    static SessionListeners instantiate(List<String> classNames, ClassLoader loader) {
        SessionListeners listeners = new SessionListeners();
        for (String name : classNames) {
            Object listener;
            try {
                listener = Class.forName(name, true, loader).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalArgumentException("listeners: cannot make '" + name
                        + "' (it needs a public no-argument constructor and must be on the web-app's class path): " + e, e);
            }
            boolean used = false;
            if (listener instanceof HttpSessionListener l) {
                listeners.sessionListeners.add(l);
                used = true;
            }
            if (listener instanceof HttpSessionAttributeListener l) {
                listeners.attributeListeners.add(l);
                used = true;
            }
            if (listener instanceof HttpSessionIdListener l) {
                listeners.idListeners.add(l);
                used = true;
            }
            if (!used) {
                throw new IllegalArgumentException("listeners: '" + name + "' implements none of HttpSessionListener, "
                        + "HttpSessionAttributeListener, HttpSessionIdListener");
            }
        }
        return listeners;
    }

    void created(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        for (HttpSessionListener l : sessionListeners) {
            call(l, () -> l.sessionCreated(event));
        }
    }

    void destroyed(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        // In reverse order of creation, as the Servlet spec asks of destruction.
        for (int i = sessionListeners.size() - 1; i >= 0; i--) {
            HttpSessionListener l = sessionListeners.get(i);
            call(l, () -> l.sessionDestroyed(event));
        }
    }

    void idChanged(HttpSession session, String oldId) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        for (HttpSessionIdListener l : idListeners) {
            call(l, () -> l.sessionIdChanged(event, oldId));
        }
    }

    void bound(HttpSession session, String name, Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            call(l, () -> l.valueBound(new HttpSessionBindingEvent(session, name, value)));
        }
    }

    void unbound(HttpSession session, String name, Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            call(l, () -> l.valueUnbound(new HttpSessionBindingEvent(session, name, value)));
        }
    }

    void added(HttpSession session, String name, Object value) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
        for (HttpSessionAttributeListener l : attributeListeners) {
            call(l, () -> l.attributeAdded(event));
        }
    }

    void replaced(HttpSession session, String name, Object oldValue) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, oldValue);
        for (HttpSessionAttributeListener l : attributeListeners) {
            call(l, () -> l.attributeReplaced(event));
        }
    }

    void removed(HttpSession session, String name, Object value) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
        for (HttpSessionAttributeListener l : attributeListeners) {
            call(l, () -> l.attributeRemoved(event));
        }
    }

    void willPassivate(HttpSession session, Iterable<Object> values) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        for (Object value : values) {
            if (value instanceof HttpSessionActivationListener l) {
                call(l, () -> l.sessionWillPassivate(event));
            }
        }
    }

    void didActivate(HttpSession session, Iterable<Object> values) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        for (Object value : values) {
            if (value instanceof HttpSessionActivationListener l) {
                call(l, () -> l.sessionDidActivate(event));
            }
        }
    }

    private static void call(Object listener, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("session listener {} threw; the session goes on", listener.getClass().getName(), e);
        }
    }
}
