package io.dockhand.api;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a deployment is; every change is kept in its history with its time. */
public enum DeploymentStatus {
    REQUESTED, VALIDATING, CLONING, BUILDING, PUSHING, STARTING, RUNNING, FAILED, UPDATING, ROLLED_BACK, DESTROYING,
    DESTROYED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static DeploymentStatus of(String wire) {
        try {
            return valueOf(wire.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + wire + "' is not a deployment status");
        }
    }
}
