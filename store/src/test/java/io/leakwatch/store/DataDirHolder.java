package io.leakwatch.store;

import java.nio.file.Path;

/** Child-process main for {@link SecondProcessTest}: opens a store on the given directory until stdin closes. */
public final class DataDirHolder {
    private DataDirHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(Path.of(args[0]), ChdbLibrary.locate()).withPoolSize(1))) {
            System.out.println("READY " + store.ready());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the directory until the parent closes our stdin
            }
        }
    }
}
