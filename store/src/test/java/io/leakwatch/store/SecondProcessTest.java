package io.leakwatch.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One process owns a data directory: a second one is refused with a clear message. */
class SecondProcessTest {
    @TempDir
    Path dir;

    @Test
    void aSecondProcessOnTheSameDirectoryIsToldItIsInUse() throws Exception {
        Process child = startHolder();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("READY true");

            assertThatThrownBy(() -> Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate())))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("data directory " + dir.toRealPath() + " is in use by another LeakWatch process");
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertThat(child.exitValue()).isZero();
        // once the owner has exited cleanly, the directory is free again and its data intact
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            assertThat(store.ready()).isTrue();
        }
    }

    @Test
    void anOwnerStoppedBySigtermClosesTheEngineCleanly() throws Exception {
        for (int round = 0; round < 3; round++) {
            Process child = startHolder();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("READY true");
            child.destroy(); // SIGTERM: shutdown hooks run
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // 143 = orderly JVM shutdown after SIGTERM; about 1 run in 7 ends with 0 (something in chDB's exit
            // path); a crash in chDB's teardown would be 134 (SIGABRT after SIGSEGV) or 139
            assertThat(child.exitValue()).isIn(0, 143);
            assertThat(dir.resolve("hs_err_pid" + child.pid() + ".log")).doesNotExist();
        }
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            assertThat(store.ready()).isTrue();
        }
    }

    private Process startHolder() throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + dir + "/hs_err_pid%p.log",
                "-cp", System.getProperty("java.class.path"), DataDirHolder.class.getName(), dir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
