package io.dockhand.server.databases;

import java.io.IOException;

import org.junit.jupiter.api.extension.ExtensionContext;

/** The databases the store runs on, each of which every store test runs against. */
public enum DatabaseKind {
    /** An H2 file, the default. */
    H2 {
        @Override
        TestDatabase create(ExtensionContext context) throws IOException {
            return H2TestDatabase.create();
        }
    },
    /** A database in the PostgreSQL cluster the test run starts once. */
    POSTGRES {
        @Override
        TestDatabase create(ExtensionContext context) throws IOException {
            return PostgresCluster.shared(context).createDatabase();
        }
    };

    abstract TestDatabase create(ExtensionContext context) throws IOException;
}
