package io.dockhand.server.databases;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Which database a test class's store runs on: {@code @StoreOn(POSTGRES) class RecordsApiPostgresTest extends
 * AbstractRecordsApiTest {}}. The class gets a fresh database of that kind ({@link TestDatabase} parameters), removed
 * after its last test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(DatabaseExtension.class)
public @interface StoreOn {
    /** The database. */
    DatabaseKind value();
}
