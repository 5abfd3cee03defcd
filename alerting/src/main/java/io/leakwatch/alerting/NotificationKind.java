package io.leakwatch.alerting;

/** Why a notification is sent. */
public enum NotificationKind {
    /** The group started firing (or its silence ended before any firing message went out). */
    FIRING,
    /** The group is still firing after the rule's repeat interval. */
    REPEAT,
    /** The group resolved after its condition stayed clear for the resolve delay. */
    RESOLVED
}
