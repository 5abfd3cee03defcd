package io.leakwatch.demo.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The "application" that the class-loading scenarios deploy: its bytes are defined again in a fresh
 * class loader per deploy, so each deploy is a new class in metaspace. It is public with a public
 * constructor so a loader other than this module's can instantiate it.
 */
public final class PluginModule implements Supplier<String> {
    private final List<String> routes = new ArrayList<>();

    public PluginModule() {
        routes.add("/orders");
        routes.add("/orders/{id}");
        routes.add("/payments");
    }

    @Override
    public String get() {
        return describe(routes.size()) + " " + checksum();
    }

    private static String describe(int count) {
        return "plugin with " + count + " routes";
    }

    private long checksum() {
        long sum = 17;
        for (String route : routes) {
            sum = sum * 31 + route.hashCode();
        }
        return sum;
    }
}
