package dev.tandem.serial;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;

/** A web-app style loader that defines the named classes itself, from the test classes, and delegates the rest. */
final class ChildFirstLoader extends URLClassLoader {

    private final Set<String> own;

    ChildFirstLoader(Class<?> anchor, Set<String> own) {
        super(new URL[] {anchor.getProtectionDomain().getCodeSource().getLocation()}, anchor.getClassLoader());
        this.own = own;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!own.contains(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            return loaded != null ? loaded : findClass(name);
        }
    }
}
