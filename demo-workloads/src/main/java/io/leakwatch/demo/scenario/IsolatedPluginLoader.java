package io.leakwatch.demo.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * A class loader that defines {@link PluginModule} from its bytes itself instead of delegating, the way
 * an application server gives each deploy its own loader. Everything else delegates to the parent.
 */
final class IsolatedPluginLoader extends ClassLoader {
    private static final String PLUGIN = PluginModule.class.getName();
    private static final byte[] PLUGIN_BYTES = readPluginBytes();

    IsolatedPluginLoader(String deployName) {
        super(deployName, IsolatedPluginLoader.class.getClassLoader());
    }

    /** Defines a fresh copy of the plugin class in a new loader and returns an instance of it. */
    @SuppressWarnings("unchecked")
    static Supplier<String> deploy(String deployName) {
        try {
            Class<?> plugin = new IsolatedPluginLoader(deployName).loadClass(PLUGIN);
            return (Supplier<String>) plugin.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot deploy the plugin class", e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!PLUGIN.equals(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = defineClass(name, PLUGIN_BYTES, 0, PLUGIN_BYTES.length);
            }
            return loaded;
        }
    }

    private static byte[] readPluginBytes() {
        String resource = "/" + PLUGIN.replace('.', '/') + ".class";
        try (InputStream in = PluginModule.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class bytes not found: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
