package dev.tandem.store.file;

import java.util.Map;

/** The same contract with {@code fsync=true}: forcing files and the directory changes no behaviour. */
class FileStoreWithFsyncContractTest extends FileStoreContractTest {

    @Override
    protected Map<String, String> parameters() {
        return Map.of("path", directory.resolve("a/b/sessions").toString(), "fsync", "true");
    }

    @Override
    protected int concurrentRounds() {
        return 25; // each save waits for the disk
    }
}
